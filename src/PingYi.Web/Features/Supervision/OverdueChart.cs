using ScottPlot;

namespace PingYi.Web.Features.Supervision;

/// <summary>
/// The 督办台's bar chart of overdue cases by unit, drawn by ScottPlot: SVG for the page (embedded as an image,
/// so the page's CSP — no inline style — does not touch the chart's own styling) and PNG to download. The page draws
/// the units with the most overdue cases (at 200 units every bar made a 7,000-pixel image, most of the page on a
/// phone); the PNG, for reports, draws every unit.
/// </summary>
public static class OverdueChart
{
    public const int Width = 800;

    public static int HeightFor(int units) => Math.Max(200, 80 + 36 * units);

    // Drawing is the 督办台's dearest step (text measured bar by bar; at 200 units it took longer than every query of
    // the page together), and the chart changes only when a unit's count or level does. So the last drawing of each
    // format is kept with the data it was drawn from and reused while that data is the same: one entry each, bounded.
    private static Tuple<string, string>? _lastSvg;
    private static Tuple<string, byte[]>? _lastPng;

    /// <summary>The units with overdue cases, in the chart's order: the most overdue cases first, then by unit code.</summary>
    public static IReadOnlyList<GetSupervisionDesk.UnitGroup> Drawn(GetSupervisionDesk.Board board) =>
        board.Units.Where(u => u.OverdueCount > 0).OrderByDescending(u => u.OverdueCount).ThenBy(u => u.UnitCode, StringComparer.Ordinal).ToList();

    /// <summary>The page's chart of <paramref name="units"/> (the first of <see cref="Drawn"/>; <paramref name="truncated"/> when not all).</summary>
    public static string Svg(IReadOnlyList<GetSupervisionDesk.UnitGroup> units, bool truncated)
    {
        var key = (truncated ? "top\n" : "") + KeyOf(units);
        if (Volatile.Read(ref _lastSvg) is { } last && last.Item1 == key)
        {
            return last.Item2;
        }
        var svg = Build(units, truncated).GetSvgXml(Width, HeightFor(Math.Max(1, units.Count)));
        Volatile.Write(ref _lastSvg, Tuple.Create(key, svg));
        return svg;
    }

    /// <summary>The download: every unit with an overdue case.</summary>
    public static byte[] Png(GetSupervisionDesk.Board board)
    {
        var units = Drawn(board);
        var key = KeyOf(units);
        if (Volatile.Read(ref _lastPng) is { } last && last.Item1 == key)
        {
            return last.Item2;
        }
        var png = Build(units, truncated: false).GetImageBytes(Width, HeightFor(Math.Max(1, units.Count)), ImageFormat.Png);
        Volatile.Write(ref _lastPng, Tuple.Create(key, png));
        return png;
    }

    /// <summary>Everything <see cref="Build"/> draws from (the units, their counts, whether escalated), in one order whatever the page's sort.</summary>
    private static string KeyOf(IReadOnlyList<GetSupervisionDesk.UnitGroup> units) => string.Join("\n", units
        .OrderBy(u => u.UnitCode, StringComparer.Ordinal).Select(u => $"{u.UnitCode}\t{u.UnitName}\t{u.OverdueCount}\t{(u.MaxLevel >= 2 ? 1 : 0)}"));

    private static Plot Build(IReadOnlyList<GetSupervisionDesk.UnitGroup> drawn, bool truncated)
    {
        // Largest at the top: ScottPlot counts positions upwards.
        var units = drawn.Reverse().ToList();
        var plot = new Plot();
        var bars = units.Select((u, i) => new Bar
        {
            Position = i,
            Value = u.OverdueCount,
            FillColor = u.MaxLevel >= 2 ? Color.FromHex("#b3261e") : Color.FromHex("#c77700"),
            Label = u.OverdueCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).ToList();
        var series = plot.Add.Bars(bars);
        series.Horizontal = true;
        series.ValueLabelStyle.FontSize = 14;
        plot.Axes.Left.SetTicks(units.Select((_, i) => (double)i).ToArray(), units.Select(u => u.UnitName).ToArray());
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Margins(left: 0, right: 0.15);
        // Counts start at 0: without bars ScottPlot's automatic limits run from -10 to 10, a negative count axis.
        var most = units.Select(u => u.OverdueCount).DefaultIfEmpty(0).Max();
        plot.Axes.SetLimitsX(0, Math.Max(1, most) * 1.15);
        if (units.Count == 0)
        {
            plot.Axes.SetLimitsY(-0.5, 0.5);
        }
        plot.Title(units.Count == 0 ? "暂无超期反映" : truncated ? $"超期反映最多的 {units.Count} 个单位" : "各单位超期反映件数");
        plot.XLabel("超期件数（红色：已升级至二级以上督办）");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (ChineseFont.Value is { } family)
        {
            plot.Font.Set(family);
        }
        return plot;
    }

    /// <summary>
    /// ScottPlot's SkiaSharp build on Linux carries no fontconfig, so it cannot find system fonts and would draw unit
    /// names as nothing: register a CJK font file by path, under its real family name so that a browser showing the
    /// SVG uses the same font. Null when none is installed (the page still lists every unit in text and alt text).
    /// </summary>
    internal static readonly Lazy<string?> ChineseFont = new(() =>
    {
        (string Family, string File)[] candidates =
        [
            ("Noto Sans CJK SC", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
            ("Noto Sans CJK SC", "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
            ("Noto Serif CJK SC", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
            ("WenQuanYi Micro Hei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
            ("Droid Sans Fallback", "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
        ];
        foreach (var (family, file) in candidates)
        {
            if (File.Exists(file))
            {
                Fonts.AddFontFile(family, file);
                return family;
            }
        }
        return null;
    });
}
