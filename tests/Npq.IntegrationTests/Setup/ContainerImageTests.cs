using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Npq.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Npq.IntegrationTests.Setup;

/// <summary>
/// Issue 28: the image an operator deploys, run here as a container runtime would run it, without one
/// (containers cannot start on these machines). <c>scripts/image.sh</c> builds the OCI image; the test
/// checks each layer against its digest, unpacks the layers in order, and runs the image's own entrypoint,
/// as the image's own user, from the image's filesystem, mounted read-only (<c>chroot</c>), against
/// PostgreSQL:
/// <list type="bullet">
/// <item>the migration job;</item>
/// <item>the reference data and a token;</item>
/// <item>the server: readiness 200 on the metrics port, a page of applications served, JSON lines on
/// standard output, exit 0 on SIGTERM.</item>
/// </list>
/// </summary>
[Collection(ThrowawayCheckout.Collection)]
public sealed class ContainerImageTests(ITestOutputHelper output)
{
    [RootFact]
    public async Task The_image_runs_its_entrypoint_as_its_own_user_from_a_read_only_filesystem_and_serves()
    {
        var work = Directory.CreateTempSubdirectory("npq-image-test-").FullName;
        var rootfs = Path.Combine(work, "rootfs");
        var mounts = new List<string>();
        try
        {
            await Warmups.ImageBaseAsync(); // never two mmdebstraps at once
            var (built, log) = await Programs.RunAsync("bash", [Repository.File("scripts", "image.sh"), Path.Combine(work, "image")], TimeSpan.FromMinutes(10));
            built.ShouldBe(0, log);
            var layout = Path.Combine(work, "image", "oci");

            // The layout: one manifest, its config and its layers, each blob what its digest says.
            var index = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "index.json"))).RootElement;
            var manifest = await BlobAsync(layout, index.GetProperty("manifests")[0].GetProperty("digest").GetString()!);
            var config = (await BlobAsync(layout, manifest.GetProperty("config").GetProperty("digest").GetString()!)).GetProperty("config");
            config.GetProperty("User").GetString().ShouldBe("1654:1654");
            config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()).ShouldBe(["dotnet", "/app/Npq.Api.dll"]);
            config.GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name).ShouldBe(["8080/tcp", "9464/tcp"], ignoreOrder: true);
            var environment = config.GetProperty("Env").EnumerateArray().Select(e => e.GetString()!.Split('=', 2)).ToDictionary(e => e[0], e => e[1]);
            environment["ASPNETCORE_ENVIRONMENT"].ShouldBe("Production");

            Directory.CreateDirectory(rootfs);
            foreach (var layer in manifest.GetProperty("layers").EnumerateArray())
            {
                var path = Path.Combine(layout, "blobs", "sha256", layer.GetProperty("digest").GetString()!["sha256:".Length..]);
                await using (var stream = File.OpenRead(path))
                    ("sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(stream))).ShouldBe(layer.GetProperty("digest").GetString());
                (await Programs.RunAsync("tar", ["-xf", path, "-C", rootfs], TimeSpan.FromMinutes(2))).ExitCode.ShouldBe(0);
            }

            // Only the runtime: no SDK, no Node.
            Directory.Exists(Path.Combine(rootfs, "usr", "share", "dotnet", "sdk")).ShouldBeFalse();
            File.Exists(Path.Combine(rootfs, "usr", "bin", "node")).ShouldBeFalse();

            // Read-only root; the kernel's /proc and /dev, and a tmpfs at /tmp, as a runtime gives them.
            await MountAsync(mounts, ["--bind", rootfs, rootfs]);
            await MountAsync(mounts, ["-o", "remount,bind,ro", rootfs], track: false);
            await MountAsync(mounts, ["-t", "proc", "proc", Path.Combine(rootfs, "proc")]);
            await MountAsync(mounts, ["--bind", "/dev", Path.Combine(rootfs, "dev")]);
            await MountAsync(mounts, ["-t", "tmpfs", "tmpfs", Path.Combine(rootfs, "tmp")]);
            (await Programs.RunAsync("touch", [Path.Combine(rootfs, "app", "written")], TimeSpan.FromSeconds(10))).ExitCode.ShouldNotBe(0, "the root filesystem is read-only");

            await using var database = await TestDatabase.CreateAsync();
            var (apiPort, metricsPort) = (ServerProcess.FreePort(), ServerProcess.FreePort());
            var settings = new Dictionary<string, string>(environment)
            {
                ["HOME"] = "/home/app",
                ["ConnectionStrings__Npq"] = database.ConnectionString,
                ["Npq__Tokens__Secret"] = "an-operator-secret-for-the-image-test-0123456789",
                ["Npq__Audit__SigningKey"] = "aW1hZ2UgdGVzdDogbm90IGEgcmVhbCBrZXkuIG9rISE=",
                ["ASPNETCORE_HTTP_PORTS"] = apiPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Npq__Metrics__Port"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Npq__Metrics__Address"] = "127.0.0.1",
            };
            // The entrypoint in the image's working directory, as a runtime starts it (chroot starts in /).
            string[] entrypoint = ["/usr/bin/env", $"--chdir={config.GetProperty("WorkingDir").GetString()}", .. config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()!)];

            // The jobs an operator runs before the first deploy, with the image's own entrypoint.
            foreach (var job in new[] { new[] { "schema", "apply" }, ["seed", "--reference-only"] })
            {
                var (code, jobLog) = await Programs.RunAsync("chroot", ["--userspec=1654:1654", rootfs, .. entrypoint, .. job], TimeSpan.FromMinutes(2), settings);
                code.ShouldBe(0, jobLog);
            }

            var (issuedCode, issued) = await Programs.RunAsync("chroot", ["--userspec=1654:1654", rootfs, .. entrypoint, "tokens", "issue", "--lead-provider", "Teach First"],
                TimeSpan.FromMinutes(2), settings, standardOutputOnly: true);
            issuedCode.ShouldBe(0, issued);
            var token = JsonDocument.Parse(issued.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement.GetProperty("token").GetString();

            using var server = Programs.Start("chroot", ["--userspec=1654:1654", rootfs, .. entrypoint], settings);
            var stdout = server.StandardOutput.ReadToEndAsync();
            var stderr = server.StandardError.ReadToEndAsync();
            try
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
                var ready = await ReadyAsync(http, new Uri($"http://127.0.0.1:{metricsPort}/health/ready"), server);
                ready.ShouldBe(HttpStatusCode.OK);
                // chroot, then env, exec'd in place: the server is this process, running as the image's user.
                (await File.ReadAllLinesAsync($"/proc/{server.Id}/status")).Single(l => l.StartsWith("Uid:", StringComparison.Ordinal))
                    .Split('\t', StringSplitOptions.RemoveEmptyEntries).Skip(1).ShouldAllBe(uid => uid == "1654");

                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{apiPort}/api/v3/npq-applications");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var page = await http.SendAsync(request);
                page.StatusCode.ShouldBe(HttpStatusCode.OK, await page.Content.ReadAsStringAsync());
                JsonDocument.Parse(await page.Content.ReadAsStringAsync()).RootElement.GetProperty("data").ValueKind.ShouldBe(JsonValueKind.Array);
            }
            finally
            {
                using (var term = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                    await term!.WaitForExitAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
                await server.WaitForExitAsync(timeout.Token);
            }

            server.ExitCode.ShouldBe(0, await stderr);
            var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            output.WriteLine($"{lines.Length} lines on standard output; the first: {lines.FirstOrDefault()}");
            lines.ShouldNotBeEmpty();
            foreach (var line in lines)
                Should.NotThrow(() => JsonDocument.Parse(line), $"not a JSON line: {line}");
        }
        finally
        {
            foreach (var mount in Enumerable.Reverse(mounts))
                await Programs.RunAsync("umount", ["-l", mount], TimeSpan.FromSeconds(30));
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<JsonElement> BlobAsync(string layout, string digest)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]));
        ("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes))).ShouldBe(digest);
        return JsonDocument.Parse(bytes).RootElement;
    }

    private static async Task MountAsync(List<string> mounts, string[] arguments, bool track = true)
    {
        var (code, log) = await Programs.RunAsync("mount", arguments, TimeSpan.FromSeconds(30));
        code.ShouldBe(0, log);
        if (track)
            mounts.Add(arguments[^1]);
    }

    private static async Task<HttpStatusCode?> ReadyAsync(HttpClient http, Uri readiness, Process server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !server.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(readiness);
                if (response.StatusCode == HttpStatusCode.OK)
                    return response.StatusCode;
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        return null;
    }
}

/// <summary>A fact that needs root (to unpack an image, mount and <c>chroot</c>): skipped, with the reason, otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
            Skip = "needs root on Linux to unpack the image, mount its filesystem and chroot into it (CI runs as root)";
    }
}
