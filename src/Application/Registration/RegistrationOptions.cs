namespace Npq.Application.Registration;

/// <summary>Configuration <c>Npq:Registration</c>.</summary>
public sealed class RegistrationOptions
{
    /// <summary>
    /// With no teaching-record service to ask, a 7-digit TRN counts as verified (the sandbox rule of
    /// CONTRACT B5). False in Production, where TRNs stay unverified until DfE verifies them.
    /// </summary>
    public bool SevenDigitTrnIsVerified { get; set; }

    /// <summary><c>POST /api/registrations</c> and the web form are served (Sandbox and Development; off in Production).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// A person holds at most this many applications (issue 24): every event of a person costs work in
    /// proportion to their applications (the person's views, the change feed), so the number is bounded.
    /// </summary>
    public int MaxApplicationsPerPerson { get; set; } = 30;

    /// <summary>Failed attaches to one participant id in a day, after which every attach to it is refused as unknown.</summary>
    public int MaxAttachFailuresPerDay { get; set; } = 10;
}
