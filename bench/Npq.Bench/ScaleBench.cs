using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Npgsql;
using Npq.Application.ReferenceData;
using Npq.Domain.NpqApplications;
using Npq.Domain.Participants;
using Npq.Infrastructure.Persistence;

namespace Npq.Bench;

/// <summary>
/// Issue 13's figures (bench/run.sh scale): a running Release server on loopback, its database grown to
/// N applications, and every figure printed beside its floor (the bare SQL that reads or writes the
/// same rows, or the same operation on the empty database), measured in the same run.
/// The applications are generated with the service's own events through Marten with the service's
/// inline projections, so the read models are the ones the commands would have produced.
/// </summary>
public static class ScaleBench
{
    private sealed record Row(string What, string Measured, string Floor, string Ratio);

    private static readonly List<Row> Rows = [];

    public static async Task<int> RunAsync(Dictionary<string, string> options)
    {
        var url = options["url"];
        var database = options["database"];
        var serverPid = int.Parse(options["server-pid"], CultureInfo.InvariantCulture);
        _serverPid = serverPid;
        var target = int.Parse(options.GetValueOrDefault("applications", "200000"), CultureInfo.InvariantCulture);
        var provider = Guid.Parse(options["provider-id"]);
        var writes = int.Parse(options.GetValueOrDefault("writes", "2000"), CultureInfo.InvariantCulture);
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options["token"]);
        await using var dataSource = NpgsqlDataSource.Create(database);
        var peak = new PeakMemory(serverPid);

        // 1. Writes on the empty database (after a warm-up of the JIT, the pools and PostgreSQL's caches).
        await AcceptAsync(http, (await RegisterAsync(url, provider, 100, "warm-up")).Ids.Take(50).ToList());
        var emptyRegistrations = await RegisterAsync(url, provider, writes, "empty");
        var emptyAccepts = await AcceptAsync(http, emptyRegistrations.Ids.Take(writes / 2).ToList());
        var floorEmpty = await BareWritesAsync(dataSource, writes);

        // 2. Grow the database.
        var existing = await ScalarAsync(dataSource, "select count(*) from npq.mt_doc_applicationview");
        if (existing < target)
            await GenerateAsync(database, provider, target - (int)existing);
        // The daemon seals the generated events and puts them in the change feed while they are written:
        // wait for both before measuring anything else (the time is the builders' catch-up).
        var catchUp = Stopwatch.StartNew();
        var head = await ScalarAsync(dataSource, "select max(seq_id) from npq.mt_events");
        while (await ScalarAsync(dataSource, "select least((select coalesce(max(last_sequence), 0) from npq.audit_log_state), (select coalesce(max(last_sequence), 0) from npq.feed_state))") < head)
            await Task.Delay(200);
        Console.WriteLine($"sealed and in the change feed {catchUp.Elapsed.TotalSeconds:F1} s after the last generated event");
        await ExecuteAsync(dataSource, "vacuum analyze");
        var total = await ScalarAsync(dataSource, "select count(*) from npq.mt_doc_applicationview");
        var mine = await ScalarAsync(dataSource, $"select count(*) from npq.mt_doc_applicationview where lead_provider_id = '{provider}'");
        var events = await ScalarAsync(dataSource, "select count(*) from npq.mt_events");
        Console.WriteLine($"database: {total:N0} applications ({mine:N0} of the measured provider), {events:N0} events");

        // 3. Writes on the full database.
        // CPU per write (issue 27): the server's (with the sealer and the feed builder working behind it)
        // and PostgreSQL's, beside the bare transaction's PostgreSQL CPU.
        var cpu = CpuMeter.Take(serverPid);
        var fullRegistrations = await RegisterAsync(url, provider, writes, "full");
        var registrationCpu = CpuMeter.Take(serverPid);
        var fullAccepts = await AcceptAsync(http, fullRegistrations.Ids.Take(writes / 2).ToList());
        var acceptCpu = CpuMeter.Take(serverPid);
        var floorFull = await BareWritesAsync(dataSource, writes);
        var floorCpu = CpuMeter.Take(serverPid);
        string PerWrite(CpuMeter.Sample from, CpuMeter.Sample to, int count, bool server = true) =>
            (server ? $"server CPU {1000 * (to.Process - from.Process) / count:F2} ms + " : "") + $"database CPU {1000 * (to.Database - from.Database) / count:F2} ms per write";
        Add("registrations/s, 8 clients (empty → full db)", $"{emptyRegistrations.Rate:F0} → {fullRegistrations.Rate:F0}/s, p99 {fullRegistrations.P99:F0} ms",
            $"bare INSERTs of the same rows {floorEmpty.Rate:F0} → {floorFull.Rate:F0}/s",
            $"{fullRegistrations.Rate / emptyRegistrations.Rate:F2} of empty; {fullRegistrations.Rate / floorFull.Rate:F2} of SQL");
        Add("  where a registration's time goes", PerWrite(cpu, registrationCpu, writes), PerWrite(acceptCpu, floorCpu, writes, server: false), "");
        Add("accepts/s, 8 clients (empty → full db)", $"{emptyAccepts.Rate:F0} → {fullAccepts.Rate:F0}/s, p99 {fullAccepts.P99:F0} ms",
            "", $"{fullAccepts.Rate / emptyAccepts.Rate:F2} of empty");
        Add("  where an accept's time goes", PerWrite(registrationCpu, acceptCpu, writes / 2), "", "");

        // 3b. The sealed log (issue 18): from a registration's answer to its events being sealed, under 8 registering clients.
        var lag = await LagAsync(url, provider, dataSource, writes / 2);
        Add("sealed after commit, 8 registering clients", $"p50 {lag.Seal.P50:F0} ms, p99 {lag.Seal.P99:F0} ms ({lag.Count:N0} registrations)", "", "");
        Add("in the change feed after commit, same load", $"p50 {lag.Feed.P50:F0} ms, p99 {lag.Feed.P99:F0} ms", "", "");

        // 4. Pages.
        var offset = (int)Math.Min(mine / 2, 9000);
        foreach (var (size, clients) in new[] { (100, 1), (100, 4), (3000, 1), (3000, 4) })
        {
            var page = 1 + (offset / size);
            var requests = size == 100 ? 400 : 40;
            var (api, sql) = await TimePairAsync(requests, clients, async () =>
            {
                using var response = await http.GetAsync($"/api/v3/npq-applications?page[per_page]={size}&page[page]={page}");
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            }, async () =>
            {
                await using var command = dataSource.CreateCommand(
                    "select data from npq.mt_doc_applicationview where lead_provider_id = $1 order by created_at, id offset $2 limit $3");
                command.Parameters.AddWithValue(provider);
                command.Parameters.AddWithValue((page - 1) * size);
                command.Parameters.AddWithValue(size);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    _ = reader.GetString(0);
            });
            Add($"v3 page of {size:N0}, {clients} client(s)", $"{api.Rate:F1}/s, p50 {api.P50:F1} ms, p95 {api.P95:F1} ms",
                $"{sql.Rate:F1}/s, p50 {sql.P50:F1} ms, p95 {sql.P95:F1} ms", $"{api.Rate / sql.Rate:F2}");
            Add($"  where its time goes", api.Cpu(), sql.Cpu(server: false), $"{api.CpuMs.Database / sql.CpuMs.Database:F2}× the database CPU");
        }

        // 4b. The cost of observability (issue 17): the same page of 100 from this server and from a second
        // process on the same database with Npq:Telemetry:Enabled=false, in alternating rounds.
        if (options.GetValueOrDefault("url-untraced") is { } untracedUrl)
        {
            using var untraced = new HttpClient { BaseAddress = new Uri(untracedUrl), Timeout = TimeSpan.FromMinutes(5) };
            untraced.DefaultRequestHeaders.Authorization = http.DefaultRequestHeaders.Authorization;
            var page = 1 + (offset / 100);
            foreach (var clients in new[] { 1, 4 })
            {
                var (traced, bare) = await TimePairAsync(400, clients,
                    () => GetPageAsync(http, page), () => GetPageAsync(untraced, page));
                Add($"v3 page of 100, {clients} client(s), telemetry on", $"{traced.Rate:F1}/s, p50 {traced.P50:F1} ms, p95 {traced.P95:F1} ms",
                    $"telemetry off: {bare.Rate:F1}/s, p50 {bare.P50:F1} ms, p95 {bare.P95:F1} ms", $"{traced.Rate / bare.Rate:F2} of off");
            }
        }

        // 4c. The change feed (issue 19): a CRM's page of 100 changes, beside the SQL that reads the same
        // rows; and how many items repeat one (provider, event, resource).
        var cursor = (await http.GetFromJsonAsync<JsonElement>("/api/v3/changes?limit=1000")).GetProperty("next_cursor").GetString()!;
        var (feedPage, feedFloor) = await TimePairAsync(400, 1, async () =>
        {
            using var response = await http.GetAsync($"/api/v3/changes?limit=100&cursor={cursor}");
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
        }, async () =>
        {
            await using var command = dataSource.CreateCommand(
                "select item_id, position, type, resource_type, resource_id, participant_id, occurred_at from npq.feed_items where provider_id = $1 and position > 1000 order by position limit 100");
            command.Parameters.AddWithValue(provider);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                _ = reader.GetGuid(0);
        });
        var feedItems = await ScalarAsync(dataSource, "select count(*) from npq.feed_items");
        var repeated = await ScalarAsync(dataSource, "select count(*) - (select count(*) from (select distinct provider_id, resource_id, occurred_at from npq.feed_items) d) from npq.feed_items");
        Add("change feed, page of 100 after position 1,000, 1 client", $"{feedPage.Rate:F1}/s, p50 {feedPage.P50:F1} ms, p95 {feedPage.P95:F1} ms",
            $"{feedFloor.Rate:F1}/s, p50 {feedFloor.P50:F1} ms", $"{feedPage.Rate / feedFloor.Rate:F2}");
        Add($"  where its time goes", feedPage.Cpu(), feedFloor.Cpu(server: false), $"{feedPage.CpuMs.Database / feedFloor.CpuMs.Database:F2}× the database CPU");
        Add($"change feed items repeating a resource's updated_at, {feedItems:N0} items", $"{repeated * 10_000.0 / Math.Max(1, feedItems):F2} per 10,000", "", "");

        // 5. CSV of every application of the provider, against COPY of the same rows.
        // Three alternating rounds of each; the median of each side, the largest memory growth.
        foreach (var version in new[] { "v1", "v2" })
        {
            var (csvTimes, copyTimes, growth, bytes) = (new List<double>(), new List<double>(), 0.0, 0L);
            for (var round = 0; round < 3; round++)
            {
                var before = PeakMemory.Resident(serverPid);
                using (var sampler = new RssSampler(serverPid))
                {
                    var watch = Stopwatch.StartNew();
                    using (var response = await http.GetAsync($"/api/{version}/npq-applications.csv", HttpCompletionOption.ResponseHeadersRead))
                    {
                        response.EnsureSuccessStatusCode();
                        await using var body = await response.Content.ReadAsStreamAsync();
                        bytes = await DrainAsync(body);
                    }

                    csvTimes.Add(watch.Elapsed.TotalSeconds);
                    growth = Math.Max(growth, (sampler.Stop() - before) / 1024.0 / 1024.0);
                }

                var copyWatch = Stopwatch.StartNew();
                await using (var connection = await dataSource.OpenConnectionAsync())
                {
                    using var export = await connection.BeginTextExportAsync(
                        $"copy (select data from npq.mt_doc_applicationview where lead_provider_id = '{provider}' order by created_at, id) to stdout");
                    var buffer = new char[65536];
                    while (await export.ReadAsync(buffer, 0, buffer.Length) > 0)
                    {
                    }
                }

                copyTimes.Add(copyWatch.Elapsed.TotalSeconds);
            }

            var (csv, copy) = (csvTimes.Order().ElementAt(1), copyTimes.Order().ElementAt(1));
            Add($"{version} npq-applications.csv, {mine:N0} rows", $"{csv:F2} s ({bytes / 1024 / 1024} MiB); server memory +{growth:F0} MB while streaming",
                $"COPY {copy:F2} s", $"{copy / csv:F2} of COPY's speed");
        }

        // 6. Rebuild and verify of the whole log, in a process of their own (the process's start, about
        // 2 s, included), beside the floor of the person views: COPY of the same rows into tables
        // without indexes, then each index built and ANALYZE.
        var rebuildSeconds = 0.0;
        foreach (var mode in new[] { "rebuild", "verify" })
        {
            var (seconds, rss, output) = await CliAsync(options["api-dll"], database, "projections", mode);
            rebuildSeconds = mode == "rebuild" ? seconds : rebuildSeconds;
            var against = mode == "verify" ? $"{seconds / rebuildSeconds:F2}× the rebuild's time; " : "";
            Add($"projections {mode}, {events:N0} events", $"{seconds:F1} s = {events / seconds:N0} events/s; peak {rss / 1024 / 1024} MB",
                "", against + output);
        }

        var floor = await RebuildFloor.MeasureAsync(database);
        Add($"floor: COPY {floor.Rows:N0} person views, then {floor.Indexes} indexes", $"{floor.Seconds:F1} s = {events / floor.Seconds:N0} events/s",
            $"COPY {floor.CopySeconds:F1} s + indexes {floor.IndexSeconds:F1} s", $"rebuild at {floor.Seconds / rebuildSeconds:F2} of it");

        Add("server resident memory, whole run", $"peak {peak.HighWaterMark() / 1024 / 1024} MB", "", "");

        Console.WriteLine();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; PostgreSQL on loopback; server: Release build");
        Console.WriteLine($"| {"What",-50} | {"Measured",-62} | {"Floor, same run",-44} | Ratio |");
        Console.WriteLine($"|{new string('-', 52)}|{new string('-', 64)}|{new string('-', 46)}|-------|");
        foreach (var row in Rows)
            Console.WriteLine($"| {row.What,-50} | {row.Measured,-62} | {row.Floor,-44} | {row.Ratio} |");
        return 0;
    }

    private static void Add(string what, string measured, string floor, string ratio) => Rows.Add(new Row(what, measured, floor, ratio));

    private sealed record Timing(double Rate, double P50, double P95, double P99, List<Guid> Ids)
    {
        /// <summary>CPU milliseconds per request: the server's process, and PostgreSQL's processes.</summary>
        public (double Server, double Database) CpuMs { get; init; }

        public string Cpu(bool server = true) =>
            (server ? $"server CPU {CpuMs.Server:F2} ms + " : "") + $"database CPU {CpuMs.Database:F2} ms per request";
    }

    /// <summary>The server under test, whose CPU the pairs measure (0: not measured).</summary>
    private static int _serverPid;

    private static async Task<Timing> TimeAsync(int requests, int clients, Func<Task> once)
    {
        for (var i = 0; i < Math.Min(10, requests); i++)
            await once(); // warm up
        var times = new ConcurrentBag<double>();
        var watch = Stopwatch.StartNew();
        await Parallel.ForAsync(0, requests, new ParallelOptions { MaxDegreeOfParallelism = clients }, async (_, _) =>
        {
            var one = Stopwatch.StartNew();
            await once();
            times.Add(one.Elapsed.TotalMilliseconds);
        });
        return Summarise(times, watch.Elapsed.TotalSeconds, []);
    }

    /// <summary>
    /// The API and its floor in alternating rounds, so that both meet the same background load on a
    /// shared machine; each side's rate is its requests over its own time.
    /// </summary>
    private static async Task<(Timing Api, Timing Floor)> TimePairAsync(int requests, int clients, Func<Task> api, Func<Task> floor, int rounds = 5)
    {
        for (var i = 0; i < Math.Min(10, requests); i++)
        {
            await api();
            await floor();
        }

        var (apiTimes, floorTimes) = (new ConcurrentBag<double>(), new ConcurrentBag<double>());
        var (apiSeconds, floorSeconds) = (0.0, 0.0);
        var (apiCpu, floorCpu) = ((Server: 0.0, Database: 0.0), (Server: 0.0, Database: 0.0));
        for (var round = 0; round < rounds; round++)
        {
            var (seconds, server, database) = await BatchAsync(api, apiTimes);
            (apiSeconds, apiCpu) = (apiSeconds + seconds, (apiCpu.Server + server, apiCpu.Database + database));
            (seconds, server, database) = await BatchAsync(floor, floorTimes);
            (floorSeconds, floorCpu) = (floorSeconds + seconds, (floorCpu.Server + server, floorCpu.Database + database));
        }

        var count = (double)(requests / rounds * rounds);
        return (Summarise(apiTimes, apiSeconds, []) with { CpuMs = (1000 * apiCpu.Server / count, 1000 * apiCpu.Database / count) },
            Summarise(floorTimes, floorSeconds, []) with { CpuMs = (1000 * floorCpu.Server / count, 1000 * floorCpu.Database / count) });

        async Task<(double Seconds, double Server, double Database)> BatchAsync(Func<Task> once, ConcurrentBag<double> times)
        {
            var before = CpuMeter.Take(_serverPid);
            var seconds = await RunBatchAsync(once, times);
            var after = CpuMeter.Take(_serverPid);
            return (seconds, after.Process - before.Process, after.Database - before.Database);
        }

        async Task<double> RunBatchAsync(Func<Task> once, ConcurrentBag<double> times)
        {
            var watch = Stopwatch.StartNew();
            await Parallel.ForAsync(0, requests / rounds, new ParallelOptions { MaxDegreeOfParallelism = clients }, async (_, _) =>
            {
                var one = Stopwatch.StartNew();
                await once();
                times.Add(one.Elapsed.TotalMilliseconds);
            });
            return watch.Elapsed.TotalSeconds;
        }
    }

    private static async Task GetPageAsync(HttpClient client, int page)
    {
        using var response = await client.GetAsync($"/api/v3/npq-applications?page[per_page]=100&page[page]={page}");
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
    }

    private static Timing Summarise(IEnumerable<double> times, double seconds, List<Guid> ids)
    {
        var sorted = times.Order().ToList();
        double At(double q) => sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * q))];
        return new Timing(sorted.Count / seconds, At(0.5), At(0.95), At(0.99), ids);
    }

    private static async Task<Timing> RegisterAsync(string url, Guid provider, int count, string phase)
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(url) };
        var trnBase = phase switch { "warm-up" => 5_000_000, "empty" => 6_000_000, _ => 7_000_000 };
        var ids = new ConcurrentBag<Guid>();
        var times = new ConcurrentBag<double>();
        var watch = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            // Unique TRNs, apart from the generated people's (2,000,000 up): a shared TRN changes the rules.
            var body = BenchRegistration.Body($"Bench {phase} {i}", $"bench.{phase}.{i}.{Guid.NewGuid():N}@example.com",
                (trnBase + i).ToString(CultureInfo.InvariantCulture), i % 2 == 0 ? "npq-headship" : "npq-senior-leadership", provider.ToString(), "2023");
            var one = Stopwatch.StartNew();
            using var response = await anonymous.PostAsJsonAsync("/api/registrations", body, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            times.Add(one.Elapsed.TotalMilliseconds);
            if ((int)response.StatusCode != 201)
                throw new InvalidOperationException($"registration {i}: {(int)response.StatusCode} {text}");
            ids.Add(JsonDocument.Parse(text).RootElement.GetProperty("data").GetProperty("id").GetGuid());
        });
        return Summarise(times, watch.Elapsed.TotalSeconds, ids.ToList());
    }

    /// <summary>
    /// Registers <paramref name="count"/> people with 8 clients; one poller reads the sealer's position
    /// every 10 ms and times each registration from its answer to the sealing of its application event.
    /// </summary>
    private static async Task<((double P50, double P99) Seal, (double P50, double P99) Feed, int Count)> LagAsync(string url, Guid provider, NpgsqlDataSource dataSource, int count)
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(url) };
        var pending = new ConcurrentQueue<(long Sequence, long AnsweredAt)>();
        var lags = new List<double>();
        var feedLags = new List<double>();
        var writing = Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var body = BenchRegistration.Body($"Bench seal {i}", $"bench.seal.{i}.{Guid.NewGuid():N}@example.com",
                (8_000_000 + i).ToString(CultureInfo.InvariantCulture), "npq-headship", provider.ToString(), "2023");
            using var response = await anonymous.PostAsJsonAsync("/api/registrations", body, ct);
            var answeredAt = Stopwatch.GetTimestamp();
            var text = await response.Content.ReadAsStringAsync(ct);
            if ((int)response.StatusCode != 201)
                throw new InvalidOperationException($"registration {i}: {(int)response.StatusCode} {text}");
            var id = JsonDocument.Parse(text).RootElement.GetProperty("data").GetProperty("id").GetGuid();
            await using var find = dataSource.CreateCommand("select seq_id from npq.mt_events where stream_id = $1 and version = 1");
            find.Parameters.AddWithValue(id);
            pending.Enqueue(((long)(await find.ExecuteScalarAsync(ct))!, answeredAt));
        });

        var waiting = new List<(long Sequence, long AnsweredAt)>();
        var waitingForFeed = new List<(long Sequence, long AnsweredAt)>();
        while (!writing.IsCompleted || !pending.IsEmpty || waiting.Count > 0 || waitingForFeed.Count > 0)
        {
            while (pending.TryDequeue(out var item))
            {
                waiting.Add(item);
                waitingForFeed.Add(item);
            }

            await using (var position = dataSource.CreateCommand(
                             "select (select coalesce(max(last_sequence), 0) from npq.audit_log_state), (select coalesce(max(last_sequence), 0) from npq.feed_state)"))
            await using (var reader = await position.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                var (sealedUpTo, fedUpTo) = (reader.GetInt64(0), reader.GetInt64(1));
                var now = Stopwatch.GetTimestamp();
                foreach (var item in waiting.Where(w => w.Sequence <= sealedUpTo).ToList())
                {
                    lags.Add(Stopwatch.GetElapsedTime(item.AnsweredAt, now).TotalMilliseconds);
                    waiting.Remove(item);
                }

                foreach (var item in waitingForFeed.Where(w => w.Sequence <= fedUpTo).ToList())
                {
                    feedLags.Add(Stopwatch.GetElapsedTime(item.AnsweredAt, now).TotalMilliseconds);
                    waitingForFeed.Remove(item);
                }
            }

            await Task.Delay(10);
        }

        await writing;
        return (Percentiles(lags), Percentiles(feedLags), lags.Count);

        static (double, double) Percentiles(List<double> values)
        {
            values.Sort();
            return (values[values.Count / 2], values[Math.Min(values.Count - 1, (int)(values.Count * 0.99))]);
        }
    }

    private static async Task<Timing> AcceptAsync(HttpClient http, List<Guid> ids)
    {
        var times = new ConcurrentBag<double>();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
        {
            var one = Stopwatch.StartNew();
            using var response = await http.PostAsync($"/api/v3/npq-applications/{id}/accept", null, ct);
            times.Add(one.Elapsed.TotalMilliseconds);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"accept {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        });
        return Summarise(times, watch.Elapsed.TotalSeconds, []);
    }

    /// <summary>
    /// The floor of a registration: the rows it writes (two streams, two events, the application and
    /// participant views), as plain INSERTs in one transaction each, 8 clients, into scratch tables.
    /// </summary>
    private static async Task<Timing> BareWritesAsync(NpgsqlDataSource dataSource, int count)
    {
        await ExecuteAsync(dataSource, """
            create schema if not exists bench;
            drop table if exists bench.streams, bench.events, bench.documents;
            create table bench.streams (id uuid primary key, type text, version bigint, timestamp timestamptz default now());
            create table bench.events (seq_id bigserial primary key, id uuid, stream_id uuid references bench.streams(id), version int, data jsonb, type text,
              timestamp timestamptz default now(), unique (stream_id, version));
            create table bench.documents (id uuid primary key, data jsonb, lead_provider_id uuid, participant_id uuid, created_at timestamptz, updated_at timestamptz);
            create index on bench.documents (lead_provider_id, created_at, id);
            create index on bench.documents (participant_id);
            """);
        var document = """{"FullName":"Bench Person","Email":"bench@example.com","CourseIdentifier":"npq-headship","Cohort":2023,"Status":"Pending"}""";
        var times = new ConcurrentBag<double>();
        var watch = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            var one = Stopwatch.StartNew();
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var batch = new NpgsqlBatch(connection, transaction);
            foreach (var stream in new[] { Guid.CreateVersion7(), Guid.CreateVersion7() })
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("insert into bench.streams (id, type, version) values ($1, 'x', 1)") { Parameters = { new() { Value = stream } } });
                batch.BatchCommands.Add(new NpgsqlBatchCommand("insert into bench.events (id, stream_id, version, data, type) values ($1, $2, 1, $3::jsonb, 'x')")
                {
                    Parameters = { new() { Value = Guid.CreateVersion7() }, new() { Value = stream }, new() { Value = document } },
                });
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    "insert into bench.documents (id, data, lead_provider_id, participant_id, created_at, updated_at) values ($1, $2::jsonb, $3, $4, now(), now())")
                {
                    Parameters = { new() { Value = stream }, new() { Value = document }, new() { Value = Guid.CreateVersion7() }, new() { Value = Guid.CreateVersion7() } },
                });
            }

            await batch.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
            times.Add(one.Elapsed.TotalMilliseconds);
        });
        var timing = Summarise(times, watch.Elapsed.TotalSeconds, []);
        await ExecuteAsync(dataSource, "drop schema bench cascade");
        return timing;
    }

    /// <summary>
    /// Grows the log by <paramref name="count"/> registrations (a third of them accepted) spread over every
    /// provider that offers courses, one in eight for the measured provider, through Marten with the
    /// service's inline projections.
    /// </summary>
    private static async Task GenerateAsync(string database, Guid measured, int count)
    {
        using var store = DocumentStore.For(o => MartenSetup.Configure(o, database));
        await using var query = store.QuerySession();
        var providers = (await query.Query<LeadProvider>().ToListAsync()).Where(p => p.OfferedCourses.Count > 0).Select(p => p.Id).ToList();
        if (!providers.Contains(measured))
            providers.Add(measured);
        var watch = Stopwatch.StartNew();
        var at = new DateTimeOffset(2023, 9, 1, 9, 0, 0, TimeSpan.Zero);
        var answers = new RegistrationAnswers(true, "United Kingdom of Great Britain and Northern Ireland", "GBR", "a_school", true, false, null,
            "100001", "10000001", null, null, null, null, false, null, false, null, null, null, null, "england");
        for (var done = 0; done < count;)
        {
            await using var session = store.LightweightSession();
            for (var i = 0; i < 1000 && done < count; i++, done++)
            {
                var participant = Guid.CreateVersion7();
                var application = Guid.CreateVersion7();
                var provider = providers[done % providers.Count];
                var when = at.AddSeconds(done);
                session.Events.StartStream(participant, new ParticipantRegistered(participant, $"Generated {done}", $"g{done}@example.com",
                    (2_000_000 + done).ToString(CultureInfo.InvariantCulture), true, new DateOnly(1980, 1, 1), null, when));
                var stream = new List<object>
                {
                    new ApplicationRegistered(application, participant, provider, "npq-senior-leadership", 2023, "a", answers, true, "funded", false, null, when),
                };
                if (done % 3 == 0)
                    stream.Add(new ApplicationAccepted(application, participant, provider, "npq-leadership-autumn", null, when.AddDays(1)));
                session.Events.StartStream(application, stream.ToArray());
            }

            await session.SaveChangesAsync();
            if (done % 20000 < 1000)
                Console.WriteLine($"  generated {done:N0} of {count:N0} applications ({done / watch.Elapsed.TotalSeconds:F0}/s)");
        }
    }

    private static async Task<(double Seconds, long PeakRss, string Output)> CliAsync(string apiDll, string database, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [apiDll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(apiDll)!,
        };
        start.Environment["ConnectionStrings__Npq"] = database;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Sandbox";
        start.Environment["Npq__Seed__OnStart"] = "false";
        start.Environment["Npq__ServerTiming__Enabled"] = "true";
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        using var sampler = new RssSampler(process.Id);
        await process.WaitForExitAsync();
        var last = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        return (watch.Elapsed.TotalSeconds, sampler.Stop(), $"exit {process.ExitCode}: {(last.Length > 60 ? last[..60] + "…" : last)}");
    }

    private static async Task<long> DrainAsync(Stream body)
    {
        var buffer = new byte[65536];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
            total += read;
        return total;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Resident and peak memory of a process, from /proc.</summary>
    private sealed class PeakMemory(int pid)
    {
        public long HighWaterMark() => Read(pid, "VmHWM:");

        public static long Resident(int pid) => Read(pid, "VmRSS:");

        public static long Read(int pid, string field)
        {
            try
            {
                var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
                return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
            catch (IOException)
            {
                return 0;
            }
        }
    }

    /// <summary>Samples a process's resident memory every 20 ms and keeps the highest.</summary>
    private sealed class RssSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private long _max;

        public RssSampler(int pid)
        {
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var rss = PeakMemory.Resident(pid);
                    if (rss > _max)
                        _max = rss;
                    try
                    {
                        await Task.Delay(20, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            });
        }

        public long Stop()
        {
            _stop.Cancel();
            _loop.Wait();
            return _max;
        }

        public void Dispose()
        {
            if (!_stop.IsCancellationRequested)
                Stop();
            _stop.Dispose();
        }
    }
}
