using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Npq.Infrastructure.Changes;

namespace Npq.IntegrationTests.Support;

/// <summary>Following <c>/api/v3/changes</c> as a CRM does, and waiting for the builder to reach the log's head.</summary>
public static class ChangeFeedFollowing
{
    /// <summary>Waits until the feed's builder has passed every event written so far.</summary>
    public static async Task CaughtUpAsync(ApiFixture fixture)
    {
        var feed = fixture.Services.GetRequiredService<ChangeFeedStore>();
        await using var source = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var max = source.CreateCommand("select coalesce(max(seq_id), 0) from npq.mt_events");
        var target = (long)(await max.ExecuteScalarAsync())!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await feed.LastSequenceAsync(CancellationToken.None) < target)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The change feed did not reach sequence {target} within 60 s.");
            await Task.Delay(100);
        }
    }

    /// <summary>Every item after the cursor, page by page (<paramref name="limit"/> a page), and the cursor to store.</summary>
    public static async Task<(List<JsonElement> Items, string Cursor)> FollowAsync(TestProvider provider, string? cursor, int limit = 1000)
    {
        var items = new List<JsonElement>();
        while (true)
        {
            var page = (await provider.GetAsync(cursor is null ? $"/api/v3/changes?limit={limit}" : $"/api/v3/changes?limit={limit}&cursor={Uri.EscapeDataString(cursor)}")).ShouldBeOkBody();
            items.AddRange(page.GetProperty("data").EnumerateArray().Select(i => i.Clone()));
            cursor = page.GetProperty("next_cursor").GetString()!;
            if (!page.GetProperty("has_more").GetBoolean())
                return (items, cursor);
        }
    }
}
