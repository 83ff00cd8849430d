using Mediator;
using Npq.Application.Common;
using Npq.Application.NpqApplications;

namespace Npq.Application.Registration.RegisterApplication;

/// <summary>
/// A participant registers for a course with a lead provider (CONTRACT B5). Values arrive as the
/// text the applicant gave (booleans as <c>true</c>/<c>false</c>/<c>yes</c>/<c>no</c>) and are
/// checked by <see cref="RegisterApplicationValidator"/> before the handler reads reference data.
/// </summary>
public sealed record RegisterApplication : RegistrationFields, ICommand<ApplicationView>, IAnonymousRequest
{
    public RegisterApplication()
    {
    }

    /// <summary>The command of a registration whose answers arrived by the JSON endpoint or the web form.</summary>
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public RegisterApplication(RegistrationFields fields, Caller caller)
        : base(fields) => Caller = caller;

    public required Caller Caller { get; init; }

    /// <summary>Fixed ids for the deterministic sandbox seed; the HTTP endpoints never set them.</summary>
    public Guid? ApplicationId { get; init; }

    /// <summary>The id a new participant gets (seed only); otherwise a new time-ordered id.</summary>
    public Guid? NewParticipantId { get; init; }
}
