using System.Globalization;
using System.Net;
using System.Text;
using Npq.Domain.Declarations;

namespace Npq.Api.Guidance;

/// <summary>
/// The state diagrams of the guidance's "Data states" page, drawn here as SVG from the transitions below
/// (no diagram service, nothing fetched): <c>/api/guidance/diagrams/{name}.svg</c>. States are laid out in
/// columns by their distance from the first state; each arrow is labelled with who moves it. The page's
/// tables say the same in text. Every <see cref="DeclarationState"/> must be in the declarations diagram
/// (a test checks it), so a new state cannot be left out.
/// </summary>
public static class StateDiagrams
{
    /// <summary>A move from one state to another; <paramref name="LabelAt"/> is where along the arrow its label sits (0 to 1).</summary>
    public sealed record Transition(string From, string To, string Label, double LabelAt = 0.5);

    /// <summary>A diagram: its title, where each state sits (column, row; drawn top to bottom), and its transitions.</summary>
    public sealed record Diagram(string Title, IReadOnlyDictionary<string, (int Column, int Row)> States, Transition[] Transitions);

    private static string Wire(DeclarationState state) => DeclarationWire.Of(state);

    private static Dictionary<string, (int, int)> At(params (string State, int Column, int Row)[] states) =>
        states.ToDictionary(s => s.State, s => (s.Column, s.Row), StringComparer.Ordinal);

    public static readonly IReadOnlyDictionary<string, Diagram> All = new Dictionary<string, Diagram>(StringComparer.Ordinal)
    {
        ["applications"] = new("Application status", At(("registered", 1, 0), ("pending", 1, 1), ("accepted", 0, 2), ("rejected", 2, 2)),
        [
            new("registered", "pending", "registers"),
            new("pending", "accepted", "you accept"),
            new("pending", "rejected", "you or DfE reject"),
            new("accepted", "pending", "DfE reverts"),
        ]),
        ["training-status"] = new("Training status", At(("accepted", 1, 0), ("active", 1, 1), ("deferred", 0, 2), ("withdrawn", 2, 2)),
        [
            new("accepted", "active", "you accept"),
            new("active", "deferred", "you defer"),
            new("active", "withdrawn", "you withdraw"),
            new("deferred", "withdrawn", "you withdraw"),
            new("deferred", "active", "you resume"),
            new("withdrawn", "active", "you resume"),
        ]),
        ["declarations"] = new("Declaration state", At(
            ("declared", 1, 0),
            (Wire(DeclarationState.Submitted), 0, 1), (Wire(DeclarationState.Eligible), 1, 1), (Wire(DeclarationState.Ineligible), 2, 1),
            (Wire(DeclarationState.Payable), 1, 2), (Wire(DeclarationState.Voided), 2, 2), (Wire(DeclarationState.Paid), 1, 3),
            (Wire(DeclarationState.AwaitingClawback), 1, 4), (Wire(DeclarationState.ClawedBack), 1, 5)),
        [
            new("declared", Wire(DeclarationState.Submitted), "not fundable"),
            new("declared", Wire(DeclarationState.Eligible), "fundable"),
            new("declared", Wire(DeclarationState.Ineligible), "same TRN declared"),
            new(Wire(DeclarationState.Eligible), Wire(DeclarationState.Payable), "statement payable"),
            new(Wire(DeclarationState.Payable), Wire(DeclarationState.Paid), "statement paid"),
            new(Wire(DeclarationState.Submitted), Wire(DeclarationState.Voided), "you void", 0.22),
            new(Wire(DeclarationState.Eligible), Wire(DeclarationState.Voided), "you void"),
            new(Wire(DeclarationState.Ineligible), Wire(DeclarationState.Voided), "you void"),
            new(Wire(DeclarationState.Payable), Wire(DeclarationState.Voided), "you void"),
            new(Wire(DeclarationState.Paid), Wire(DeclarationState.AwaitingClawback), "you void"),
            new(Wire(DeclarationState.AwaitingClawback), Wire(DeclarationState.ClawedBack), "refund paid"),
        ]),
    };

    private const double Width = 160, Height = 36, ColumnStep = 250, RowStep = 88, Margin = 16, Top = 40;

    /// <summary>The diagram as an SVG document; null for an unknown name.</summary>
    public static string? Svg(string name)
    {
        if (!All.TryGetValue(name, out var diagram))
            return null;

        (double X, double Y) Centre(string state) =>
            (Margin + (diagram.States[state].Column * ColumnStep) + (Width / 2), Top + (diagram.States[state].Row * RowStep) + (Height / 2));

        // Where a line leaves a box: the line runs through the box's centre moved by (nx, ny), in direction (dx, dy).
        static (double X, double Y) Edge((double X, double Y) centre, double nx, double ny, double dx, double dy)
        {
            var tx = dx == 0 ? double.MaxValue : ((Math.Sign(dx) * Width / 2) - nx) / dx;
            var ty = dy == 0 ? double.MaxValue : ((Math.Sign(dy) * Height / 2) - ny) / dy;
            var t = Math.Min(tx, ty);
            return (centre.X + nx + (t * dx), centre.Y + ny + (t * dy));
        }

        var width = (diagram.States.Values.Max(s => s.Column) * ColumnStep) + Width + (2 * Margin);
        var height = Top + (diagram.States.Values.Max(s => s.Row) * RowStep) + Height + Margin;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:0} {height:0}" width="{width:0}" height="{height:0}" role="img" aria-labelledby="title">""")
            .Append(CultureInfo.InvariantCulture, $"""<title id="title">{WebUtility.HtmlEncode(diagram.Title)}</title>""")
            .Append("""<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M 0 0 L 10 5 L 0 10 z" fill="#0b0c0c"/></marker></defs>""")
            .Append("""<style>text{font-family:arial,sans-serif;fill:#0b0c0c}.state{font-size:15px;font-weight:bold}.label{font-size:12px;paint-order:stroke;stroke:#fff;stroke-width:4px}.title{font-size:16px;font-weight:bold}</style>""")
            .Append(CultureInfo.InvariantCulture, $"""<text class="title" x="{Margin}" y="22">{WebUtility.HtmlEncode(diagram.Title)}</text>""");

        foreach (var t in diagram.Transitions)
        {
            var (from, to) = (Centre(t.From), Centre(t.To));
            var (dx, dy) = (to.X - from.X, to.Y - from.Y);
            var length = Math.Sqrt((dx * dx) + (dy * dy));
            // A pair of opposite arrows between two states is drawn as two parallel lines.
            var shift = diagram.Transitions.Any(o => o.From == t.To && o.To == t.From) ? 7.0 : 0.0;
            var (nx, ny) = (-dy / length * shift, dx / length * shift);
            var start = Edge(from, nx, ny, dx, dy);
            var end = Edge(to, nx, ny, -dx, -dy);
            svg.Append(CultureInfo.InvariantCulture,
                $"""<line x1="{start.X:0.#}" y1="{start.Y:0.#}" x2="{end.X:0.#}" y2="{end.Y:0.#}" stroke="#0b0c0c" stroke-width="1.5" marker-end="url(#arrow)"/>""");
            // A pair's labels sit on their own sides and at different places along the lines.
            var along = shift > 0 ? 0.4 : t.LabelAt;
            var (lx, ly) = (start.X + ((end.X - start.X) * along) + (nx * 1.6), start.Y + ((end.Y - start.Y) * along) + (ny * 1.6) + 4);
            svg.Append(CultureInfo.InvariantCulture, $"""<text class="label" x="{lx:0.#}" y="{ly:0.#}" text-anchor="middle">{WebUtility.HtmlEncode(t.Label)}</text>""");
        }

        foreach (var (state, (column, row)) in diagram.States)
        {
            var (x, y) = (Margin + (column * ColumnStep), Top + (row * RowStep));
            var first = row == 0;
            svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{x:0}" y="{y:0}" width="{Width:0}" height="{Height:0}" rx="{(first ? 18 : 4)}" fill="{(first ? "#f3f2f1" : "#ffffff")}" stroke="#1d70b8" stroke-width="2"/>""")
                .Append(CultureInfo.InvariantCulture, $"""<text class="state" x="{x + (Width / 2):0}" y="{y + 23:0}" text-anchor="middle">{WebUtility.HtmlEncode(state)}</text>""");
        }

        return svg.Append("</svg>").ToString();
    }
}
