using System.Globalization;

namespace Flywheel.Trainer.Features;

/// <summary>
/// A derived numeric feature's expression: numbers, numeric feature names, <c>+ - * /</c>, unary minus,
/// parentheses and <c>log sqrt abs exp</c>. Evaluated in single precision, the same arithmetic the ONNX
/// graph performs, so training and serving compute the same value.
/// </summary>
internal abstract record DerivedExpression
{
    public static readonly string[] Functions = ["log", "sqrt", "abs", "exp"];

    public abstract float Evaluate(Func<string, float> column);

    public abstract IEnumerable<string> Columns();

    /// <summary>Parses <paramref name="text"/>; the error names the field, the position and what was expected.</summary>
    public static DerivedExpression Parse(string text, string field, ISet<string> numericColumns) =>
        new Parser(text, field, numericColumns).ParseAll();

    internal sealed record Number(float Value) : DerivedExpression
    {
        public override float Evaluate(Func<string, float> column) => Value;

        public override IEnumerable<string> Columns() => [];
    }

    internal sealed record Column(string Name) : DerivedExpression
    {
        public override float Evaluate(Func<string, float> column) => column(Name);

        public override IEnumerable<string> Columns() => [Name];
    }

    /// <summary>A unary operation: <c>neg</c> or one of <see cref="Functions"/>.</summary>
    internal sealed record Unary(string Operation, DerivedExpression Operand) : DerivedExpression
    {
        public override float Evaluate(Func<string, float> column)
        {
            var value = Operand.Evaluate(column);
            return Operation switch
            {
                "neg" => -value,
                "log" => MathF.Log(value),
                "sqrt" => MathF.Sqrt(value),
                "abs" => MathF.Abs(value),
                _ => MathF.Exp(value),
            };
        }

        public override IEnumerable<string> Columns() => Operand.Columns();
    }

    internal sealed record Binary(char Operator, DerivedExpression Left, DerivedExpression Right) : DerivedExpression
    {
        public override float Evaluate(Func<string, float> column)
        {
            var left = Left.Evaluate(column);
            var right = Right.Evaluate(column);
            return Operator switch
            {
                '+' => left + right,
                '-' => left - right,
                '*' => left * right,
                _ => left / right,
            };
        }

        public override IEnumerable<string> Columns() => Left.Columns().Concat(Right.Columns());
    }

    private sealed class Parser(string text, string field, ISet<string> columns)
    {
        private int _position;

        public DerivedExpression ParseAll()
        {
            var expression = Sum();
            Skip();
            return _position == text.Length ? expression : throw Error($"unexpected '{text[_position]}'");
        }

        private DerivedExpression Sum()
        {
            var left = Product();
            while (Peek() is '+' or '-')
            {
                var op = text[_position++];
                left = new Binary(op, left, Product());
            }

            return left;
        }

        private DerivedExpression Product()
        {
            var left = Factor();
            while (Peek() is '*' or '/')
            {
                var op = text[_position++];
                left = new Binary(op, left, Factor());
            }

            return left;
        }

        private DerivedExpression Factor()
        {
            var c = Peek();
            if (c == '-')
            {
                _position++;
                return new Unary("neg", Factor());
            }

            if (c == '(')
            {
                _position++;
                var inner = Sum();
                Expect(')');
                return inner;
            }

            if (c is not null && (char.IsDigit(c.Value) || c == '.'))
            {
                var start = _position;
                while (_position < text.Length && (char.IsDigit(text[_position]) || text[_position] is '.' or 'e' or 'E'
                    || (text[_position] is '+' or '-' && text[_position - 1] is 'e' or 'E')))
                {
                    _position++;
                }

                return float.TryParse(text.AsSpan(start, _position - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    ? new Number(number)
                    : throw Error($"\"{text[start.._position]}\" is not a number", start);
            }

            if (c is not null && (char.IsLetter(c.Value) || c == '_'))
            {
                var start = _position;
                while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] == '_'))
                {
                    _position++;
                }

                var name = text[start.._position];
                if (Peek() == '(')
                {
                    if (!Functions.Contains(name))
                    {
                        throw Error($"unknown function '{name}'; use {string.Join(", ", Functions)}", start);
                    }

                    _position++;
                    var argument = Sum();
                    Expect(')');
                    return new Unary(name, argument);
                }

                return columns.Contains(name)
                    ? new Column(name)
                    : throw Error($"'{name}' is not a numeric feature; use numeric columns listed in data.features", start);
            }

            throw Error(c is null ? "the expression ends early" : $"unexpected '{c}'");
        }

        private char? Peek()
        {
            Skip();
            return _position < text.Length ? text[_position] : null;
        }

        private void Skip()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Error($"expected '{c}'");
            }

            _position++;
        }

        private TrainingInputException Error(string problem, int? at = null) =>
            new($"spec field {field}: {problem} at position {(at ?? _position) + 1} of \"{text}\"");
    }
}
