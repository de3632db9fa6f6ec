using Cronos;

namespace Flywheel.Operator.Triggers;

/// <summary>A five-field cron expression in an IANA time zone, as a schedule trigger declares it.</summary>
public sealed class CronSchedule
{
    private readonly CronExpression _expression;
    private readonly TimeZoneInfo _zone;

    private CronSchedule(CronExpression expression, TimeZoneInfo zone)
    {
        _expression = expression;
        _zone = zone;
    }

    /// <summary>Parses the schedule; a bad expression or zone throws <see cref="FormatException"/> naming the field and the fix.</summary>
    public static CronSchedule Parse(string cron, string? timeZone)
    {
        CronExpression expression;
        try
        {
            expression = CronExpression.Parse(cron, CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            throw new FormatException($"spec.triggers.schedule.cron: \"{cron}\" is not a five-field cron expression ({ex.Message}); for example \"0 3 * * 1\" is Mondays at 03:00", ex);
        }

        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(string.IsNullOrEmpty(timeZone) ? "UTC" : timeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new FormatException($"spec.triggers.schedule.timeZone: \"{timeZone}\" is not a known IANA time zone; use a name such as UTC or Europe/Berlin", ex);
        }

        return new CronSchedule(expression, zone);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null when there is none.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) => _expression.GetNextOccurrence(after, _zone);
}
