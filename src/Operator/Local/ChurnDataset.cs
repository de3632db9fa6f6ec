using System.Globalization;
using System.Text;

namespace Flywheel.Operator.Local;

/// <summary>
/// The churn sample's data: customers with numeric tenureMonths, monthlyCharges, totalCharges and
/// supportCalls, categorical contract, paymentMethod and internetService, and the label churned.
/// A <see cref="Shift"/> moves tenure's distribution (the seed's X1) and brings a contract type never
/// seen in training (the seed's X2).
/// </summary>
internal sealed class ChurnDataset(int seed)
{
    public static readonly string[] Contracts = ["monthToMonth", "oneYear", "twoYear"];
    public static readonly string[] PaymentMethods = ["card", "bankTransfer", "electronicCheck", "mailedCheck"];
    public static readonly string[] InternetServices = ["dsl", "fiber", "none"];

    /// <summary>A contract type introduced after training.</summary>
    public const string NewContract = "flexMonthly";

    private readonly Random _random = new(seed);

    /// <summary>How far the served population has moved from the training one.</summary>
    public sealed record Shift(double TenureMonths, double NewContractRate)
    {
        public static Shift None { get; } = new(0, 0);
    }

    public sealed record Customer(
        double TenureMonths, double MonthlyCharges, double TotalCharges, double SupportCalls,
        string Contract, string PaymentMethod, string InternetService, string Churned);

    public Customer Next(Shift shift)
    {
        var tenure = Math.Round(Math.Clamp((_random.NextDouble() * 48) + shift.TenureMonths, 0, 120));
        var monthly = Math.Round(20 + (_random.NextDouble() * 100), 2);
        var total = Math.Round(tenure * monthly * (0.9 + (_random.NextDouble() * 0.2)), 2);
        var calls = Math.Floor(_random.NextDouble() * _random.NextDouble() * 10);
        var contract = _random.NextDouble() < shift.NewContractRate ? NewContract : Contracts[_random.Next(Contracts.Length)];
        var payment = PaymentMethods[_random.Next(PaymentMethods.Length)];
        var internet = InternetServices[_random.Next(InternetServices.Length)];
        var risk = ((18 - tenure) / 10) + ((monthly - 70) / 30) + (calls / 3)
            + (contract == "monthToMonth" ? 0.8 : contract == "twoYear" ? -0.8 : 0)
            + (payment == "electronicCheck" ? 0.4 : 0) + (internet == "fiber" ? 0.3 : 0);
        var churned = risk + ((_random.NextDouble() - 0.5) * 1.2) > 0 ? "yes" : "no";
        return new Customer(tenure, monthly, total, calls, contract, payment, internet, churned);
    }

    public IReadOnlyList<Customer> Take(int count, Shift shift) => [.. Enumerable.Range(0, count).Select(_ => Next(shift))];

    public static string ToCsv(IEnumerable<Customer> customers)
    {
        var csv = new StringBuilder("tenureMonths,monthlyCharges,totalCharges,supportCalls,contract,paymentMethod,internetService,churned\n");
        foreach (var c in customers)
        {
            csv.Append(string.Create(CultureInfo.InvariantCulture,
                $"{c.TenureMonths},{c.MonthlyCharges},{c.TotalCharges},{c.SupportCalls},{c.Contract},{c.PaymentMethod},{c.InternetService},{c.Churned}\n"));
        }

        return csv.ToString();
    }

    /// <summary>One customer as the records form of the inference server takes it (no label).</summary>
    public static Dictionary<string, object> ToInstance(Customer c) => new()
    {
        ["tenureMonths"] = c.TenureMonths,
        ["monthlyCharges"] = c.MonthlyCharges,
        ["totalCharges"] = c.TotalCharges,
        ["supportCalls"] = c.SupportCalls,
        ["contract"] = c.Contract,
        ["paymentMethod"] = c.PaymentMethod,
        ["internetService"] = c.InternetService,
    };
}
