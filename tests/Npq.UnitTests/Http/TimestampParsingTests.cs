using Npq.Api.Http;

namespace Npq.UnitTests.Http;

/// <summary><c>updated_since</c>/<c>created_since</c> parsing (CONTRACT §1.7 with the B2 fix).</summary>
public sealed class TimestampParsingTests
{
    [Theory]
    [InlineData("2024-10-01", "2024-10-01T00:00:00+00:00")]
    [InlineData(" 2024-10-01T09:30:00Z ", "2024-10-01T09:30:00+00:00")]
    [InlineData("2024-10-01T09:30:00", "2024-10-01T09:30:00+00:00")]
    [InlineData("2024-10-01T09:30:00.250Z", "2024-10-01T09:30:00.25+00:00")]
    [InlineData("2024-10-01T10:30:00+01:00", "2024-10-01T09:30:00+00:00")]
    [InlineData("2024-10-01T10:30:00%2B01:00", "2024-10-01T09:30:00+00:00")]
    [InlineData("2024-10-01T10:30:00 01:00", "2024-10-01T09:30:00+00:00")]
    [InlineData("2024-10-01T08:30:00-01:00", "2024-10-01T09:30:00+00:00")]
    [InlineData("2024-10-01T10:30:00+0100", "2024-10-01T09:30:00+00:00")]
    public void Accepted_forms(string value, string expected)
    {
        ListQuery.ParseTimestamp(value).ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("invalid")]
    [InlineData("2024-13-01")]
    [InlineData("2024-02-30")]
    [InlineData("2024-10-01T25:00:00Z")]
    [InlineData("01/10/2024")]
    [InlineData("2024-10-01T09:30")]
    public void Rejected_forms(string value)
    {
        ListQuery.ParseTimestamp(value).ShouldBeNull();
    }
}
