using Npgsql;
using Testcontainers.PostgreSql;

namespace Npq.IntegrationTests.Support;

/// <summary>
/// A real PostgreSQL for the tests: the server named by <c>NPQ_TEST_POSTGRES</c> (a connection
/// string; <c>./build.sh test</c> sets it to the local cluster) or, when it is not set, a
/// Testcontainers container (needs Docker). Each test run gets a fresh database, dropped at the end.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string Variable = "NPQ_TEST_POSTGRES";

    private readonly PostgreSqlContainer? _container;
    private readonly string _serverConnectionString;

    private TestDatabase(string serverConnectionString, PostgreSqlContainer? container, string databaseName)
    {
        _serverConnectionString = serverConnectionString;
        _container = container;
        DatabaseName = databaseName;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = databaseName, MaxPoolSize = 200 }.ConnectionString;
    }

    public string DatabaseName { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        PostgreSqlContainer? container = null;
        if (string.IsNullOrWhiteSpace(server))
        {
            container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            try
            {
                await container.StartAsync();
            }
            catch (Exception exception)
            {
                throw new InvalidOperationException(
                    $"No PostgreSQL for the tests: set {Variable} to a connection string, or run ./build.sh test " +
                    "(it starts a local cluster), or make a Docker engine available for Testcontainers.", exception);
            }

            server = container.GetConnectionString();
        }

        var name = $"npq_test_{DateTime.UtcNow:yyyyMMddHHmmss}_{Guid.NewGuid():N}"[..40];
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"create database \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new TestDatabase(server, container, name);
    }

    /// <summary>
    /// A copy of this database as it stands (PostgreSQL's <c>create database … template</c>), dropped on
    /// dispose; nothing may be connected to this one meanwhile, so its pools are cleared first.
    /// </summary>
    public async Task<TestDatabase> CloneAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var name = $"npq_copy_{DateTime.UtcNow:HHmmss}_{Guid.NewGuid():N}"[..40];
        var admin = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using (var terminate = new NpgsqlCommand($"select pg_terminate_backend(pid) from pg_stat_activity where datname = '{DatabaseName}' and pid <> pg_backend_pid()", connection))
                await terminate.ExecuteNonQueryAsync();
            await using var command = new NpgsqlCommand($"create database \"{name}\" template \"{DatabaseName}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new TestDatabase(_serverConnectionString, container: null, name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_container is not null)
        {
            await _container.DisposeAsync();
            return;
        }

        var admin = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop database if exists \"{DatabaseName}\" with (force)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
