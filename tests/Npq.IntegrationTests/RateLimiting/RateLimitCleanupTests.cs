using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Npq.Infrastructure.RateLimiting;
using Npq.IntegrationTests.Support;

namespace Npq.IntegrationTests.RateLimiting;

/// <summary>ADR 0018: the limiter's tables do not grow with every address ever seen.</summary>
[Collection(ApiTests.Name)]
public sealed class RateLimitCleanupTests(ApiFixture fixture)
{
    [Fact]
    public async Task Keys_whose_permits_all_expired_are_deleted_and_keys_in_their_window_are_kept()
    {
        var limiter = fixture.Services.GetRequiredService<PostgresRateLimiter>();
        var window = TimeSpan.FromSeconds(1);
        var idle = Enumerable.Range(0, 30).Select(i => $"ip:cleanup-idle-{Guid.NewGuid():N}").ToList();
        foreach (var key in idle)
            (await limiter.AcquireAsync(key, 10, window, CancellationToken.None)).Admitted.ShouldBeTrue();
        await Task.Delay(1200);
        var busy = $"ip:cleanup-busy-{Guid.NewGuid():N}";
        (await limiter.AcquireAsync(busy, 10, window, CancellationToken.None)).Admitted.ShouldBeTrue();

        (await limiter.DeleteIdleAsync(window, CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(idle.Count);

        (await CountAsync("rate_limit_keys", idle)).ShouldBe(0);
        (await CountAsync("rate_limit_hits", idle)).ShouldBe(0);
        (await CountAsync("rate_limit_keys", [busy])).ShouldBe(1);

        // A key that was cleaned up counts from nothing again, with no error.
        var again = await limiter.AcquireAsync(idle[0], 10, window, CancellationToken.None);
        again.Admitted.ShouldBeTrue();
        again.Remaining.ShouldBe(9);
    }

    private async Task<long> CountAsync(string table, IReadOnlyList<string> keys)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select count(*) from npq.{table} where key = any(@keys)", connection);
        command.Parameters.AddWithValue("keys", keys.ToArray());
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
