using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

// Benchmarks against a running server on loopback (bench/run.sh starts one). Prints figures; asserts nothing.
//   applications-page --url U --token T --provider-id P [--applications 10000] [--runs 20]
var options = Options(args);
return args.FirstOrDefault() switch
{
    "applications-page" => await ApplicationsPage(options),
    "rate-limit" => await RateLimit(options),
    "scale" => await Npq.Bench.ScaleBench.RunAsync(options),
    "flood" => await Npq.Bench.FloodBench.RunAsync(options),
    "audit" => await Npq.Bench.EventGenerator.RunAsync(options["server"], int.Parse(options.GetValueOrDefault("events", "1000000"), CultureInfo.InvariantCulture)),
    "seal" => await Npq.Bench.SealBench.RunAsync(options["server"], int.Parse(options.GetValueOrDefault("events", "1000000"), CultureInfo.InvariantCulture), options.GetValueOrDefault("api")),
    _ => Usage(),
};

// The limiter's own cost: one upsert per request, measured at the steady state of a busy token
// (1,000 requests in the window), sequentially and with 8 concurrent clients on different tokens.
static async Task<int> RateLimit(Dictionary<string, string> options)
{
    var connection = options["database"];
    using var store = Marten.DocumentStore.For(o => Npq.Infrastructure.Persistence.MartenSetup.Configure(o, connection));
    await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    using var dataSource = new Npq.Infrastructure.RateLimiting.RateLimiterDataSource(connection);
    var limiter = new Npq.Infrastructure.RateLimiting.PostgresRateLimiter(dataSource);
    var window = TimeSpan.FromMinutes(5);
    var key = $"bench:{Guid.NewGuid():N}";
    for (var i = 0; i < 1000; i++)
        await limiter.AcquireAsync(key, 1000, window, CancellationToken.None); // fill the window

    foreach (var (label, clients, limit) in new[]
             {
                 ("1 client, 1,000 in window, admitted", 1, 1_000_000),
                 ("1 client, full window, refused", 1, 1000),
                 ("8 clients on 2 cores, own tokens", 8, 1000),
             })
    {
        var times = new System.Collections.Concurrent.ConcurrentBag<double>();
        await Parallel.ForAsync(0, clients, async (c, ct) =>
        {
            var own = clients == 1 ? key : $"bench:{Guid.NewGuid():N}";
            for (var i = 0; i < 2000 / clients; i++)
            {
                var watch = Stopwatch.StartNew();
                await limiter.AcquireAsync(own, limit, window, ct);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        });
        var sorted = times.Order().ToList();
        Console.WriteLine($"rate limiter, {label,-36} median {sorted[sorted.Count / 2]:F3} ms  p95 {sorted[(int)(sorted.Count * 0.95)]:F3} ms  ({sorted.Count} acquisitions)");
    }

    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Npq.Bench applications-page --url U --token T --provider-id P [--applications N] [--runs N]");
    return 2;
}

static async Task<int> ApplicationsPage(Dictionary<string, string> options)
{
    var url = options["url"];
    var target = int.Parse(options.GetValueOrDefault("applications", "10000"), CultureInfo.InvariantCulture);
    var runs = int.Parse(options.GetValueOrDefault("runs", "20"), CultureInfo.InvariantCulture);
    using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options["token"]);

    // Load: register applications through the public endpoint until the provider has enough.
    var existing = await CountAsync(http);
    if (existing < target)
    {
        Console.WriteLine($"loading {target - existing} applications through POST /api/registrations …");
        var loading = Stopwatch.StartNew();
        using var anonymous = new HttpClient { BaseAddress = new Uri(url) };
        await Parallel.ForAsync(existing, target, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var body = Npq.Bench.BenchRegistration.Body($"Bench Person {i}", $"bench.{i}.{Guid.NewGuid():N}@example.com",
                (3_000_000 + i).ToString(CultureInfo.InvariantCulture), i % 2 == 0 ? "npq-headship" : "npq-senco", options["provider-id"],
                (2024 + (i % 3)).ToString(CultureInfo.InvariantCulture));
            using var response = await anonymous.PostAsJsonAsync("/api/registrations", body, ct);
            if ((int)response.StatusCode != 201)
                throw new InvalidOperationException($"registration {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        });
        Console.WriteLine($"loaded in {loading.Elapsed.TotalSeconds:F1} s ({(target - existing) / loading.Elapsed.TotalSeconds:F0} registrations/s with 8 clients)");
    }

    Console.WriteLine($"provider has {await CountAsync(http)} applications");

    foreach (var (label, path) in new[]
             {
                 ("v3 page of 3000", "/api/v3/npq-applications?page[per_page]=3000&page[page]=2"),
                 ("v3 page of 3000, sort=-updated_at, filter[cohort]", "/api/v3/npq-applications?page[per_page]=3000&sort=-updated_at&filter[cohort]=2024,2025,2026"),
                 ("v1 page of 3000", "/api/v1/npq-applications?page[per_page]=3000"),
                 ("v3 page of 100", "/api/v3/npq-applications"),
             })
    {
        for (var i = 0; i < 10; i++)
            await GetAsync(http, path); // warm up: JIT, connection pool, PostgreSQL caches

        var times = new List<double>();
        var bytes = 0L;
        var timing = "";
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            (bytes, timing) = await GetAsync(http, path);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine(
            $"{label,-55} median {times[times.Count / 2],7:F1} ms  p95 {times[(int)(times.Count * 0.95)],7:F1} ms  " +
            $"min {times[0],7:F1} ms  max {times[^1],7:F1} ms  ({bytes / 1024} KiB; {timing})");
    }

    return 0;
}

static async Task<(long Bytes, string ServerTiming)> GetAsync(HttpClient http, string path)
{
    using var response = await http.GetAsync(path);
    response.EnsureSuccessStatusCode();
    var content = await response.Content.ReadAsByteArrayAsync();
    var timing = response.Headers.TryGetValues("Server-Timing", out var values) ? string.Join(", ", values) : "";
    return (content.Length, timing);
}

static async Task<int> CountAsync(HttpClient http)
{
    var count = 0;
    for (var page = 1; ; page++)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync($"/api/v3/npq-applications?page[per_page]=3000&page[page]={page}"));
        var n = document.RootElement.GetProperty("data").GetArrayLength();
        count += n;
        if (n < 3000)
            return count;
    }
}

static Dictionary<string, string> Options(string[] args)
{
    var options = new Dictionary<string, string>();
    for (var i = 1; i + 1 < args.Length; i += 2)
        options[args[i].TrimStart('-')] = args[i + 1];
    return options;
}
