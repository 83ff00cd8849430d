using System.Xml.Linq;
using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;

namespace Npq.Infrastructure.Security;

/// <summary>An ASP.NET data protection key, as the XML the key manager writes.</summary>
public sealed class DataProtectionKey
{
    /// <summary>The key manager's name for it (<c>key-{guid}</c>).</summary>
    public string Id { get; set; } = "";

    public string Xml { get; set; } = "";

    public DateTimeOffset StoredAt { get; set; }
}

/// <summary>
/// Keeps the data protection key ring in PostgreSQL (ADR 0014), so that every server process on
/// the database protects and reads the registration form's antiforgery tokens and TempData alike:
/// a form fetched from one process can be posted to another. The keys are as secret as the
/// database's other contents; the database is the trust boundary, as for token digests.
/// </summary>
public sealed class DataProtectionKeyStore(IDocumentStore store, [FromKeyedServices(Time.SystemTime.Key)] TimeProvider time) : IXmlRepository
{
    public const string ApplicationName = "npq-lead-provider-api";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        // The key manager's interface is synchronous; it reads the ring rarely (it caches it).
        using var session = store.QuerySession();
        var keys = session.Query<DataProtectionKey>().ToListAsync().GetAwaiter().GetResult();
        return keys.Select(k => XElement.Parse(k.Xml)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var session = store.LightweightSession();
        session.Insert(new DataProtectionKey
        {
            Id = friendlyName,
            Xml = element.ToString(SaveOptions.DisableFormatting),
            StoredAt = time.GetUtcNow(),
        });
        session.SaveChangesAsync().GetAwaiter().GetResult();
    }

    public static void Register(IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton<DataProtectionKeyStore>();
        services.AddOptions<KeyManagementOptions>()
            .Configure<DataProtectionKeyStore>((options, keys) => options.XmlRepository = keys);
    }
}
