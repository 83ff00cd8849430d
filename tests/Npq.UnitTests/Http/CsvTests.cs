using Npq.Api.Http;
using Npq.Application.Common.Behaviours;

namespace Npq.UnitTests.Http;

public sealed class CsvTests
{
    [Theory]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("Jo;=1+2", "Jo;'=1+2")] // a spreadsheet that splits on ';' starts a cell after it
    [InlineData("Jo,@SUM(A1)", "Jo,'@SUM(A1)")]
    [InlineData("Jo|+1", "Jo|'+1")]
    [InlineData("Jo\t-1", "Jo\t'-1")]
    [InlineData("Jo; =1", "Jo; '=1")]
    [InlineData("  =1", "  '=1")]
    public void Every_place_a_spreadsheet_could_start_a_formula_is_written_as_text(string cell, string written) =>
        Csv.Neutralise(cell).ShouldBe(written);

    [Theory]
    [InlineData("Jo Bloggs")]
    [InlineData("jo-bloggs@example.com")]
    [InlineData("2025-11-01T10:00:00Z")]
    [InlineData("O'Brien; Smith")]
    public void Text_that_cannot_start_a_formula_is_left_as_it_is(string cell) =>
        Csv.Neutralise(cell).ShouldBeSameAs(cell);

    [Theory]
    [InlineData("Nul\u0000Name", false)]
    [InlineData("Bell\u0007", false)]
    [InlineData("Line\nbreak", false)]
    [InlineData("C1\u0085", false)]
    [InlineData("Zoë 🙂 Ødegård", true)]
    public void Text_with_a_control_character_or_half_a_surrogate_pair_is_not_clean(string text, bool clean) =>
        CleanText.IsClean(text).ShouldBe(clean);

    [Fact]
    public void Half_a_surrogate_pair_is_not_clean_and_a_whole_one_is()
    {
        CleanText.IsClean("half " + (char)0xD800 + " a pair").ShouldBeFalse();
        CleanText.IsClean("low first " + (char)0xDC00 + (char)0xD800).ShouldBeFalse();
        CleanText.IsClean("whole " + (char)0xD83D + (char)0xDE42).ShouldBeTrue();
    }
}
