namespace Npq.Api.OpenApi;

/// <summary>
/// What a client generator names each operation after (issue 29): one <c>operationId</c>, a summary and
/// a tag per path and method, the same in every version that serves it, so a CRM's generated method for
/// "accept an application" keeps its name from v1 to v3. Every operation of every document must be here:
/// <c>OpenApiTests</c> fails on one that is not, and on an entry no document uses.
/// </summary>
public static class OperationNames
{
    public sealed record Name(string OperationId, string Summary, string Tag);

    public const string Applications = "NPQ applications", Participants = "Participants", Outcomes = "Outcomes",
        Declarations = "Participant declarations", Statements = "Financial statements", DeliveryPartners = "Delivery partners",
        Enrolments = "Enrolments", Changes = "Change feed", Receipts = "Receipts";

    /// <summary>By method and path below <c>/api/v{n}</c>.</summary>
    public static readonly IReadOnlyDictionary<(string Method, string Path), Name> All = new Dictionary<(string, string), Name>
    {
        [("GET", "/npq-applications")] = new("listApplications", "List your NPQ applications", Applications),
        [("GET", "/npq-applications.csv")] = new("listApplicationsCsv", "List your NPQ applications as CSV", Applications),
        [("GET", "/npq-applications/{id}")] = new("getApplication", "Get one NPQ application", Applications),
        [("POST", "/npq-applications/{id}/accept")] = new("acceptApplication", "Accept an NPQ application", Applications),
        [("POST", "/npq-applications/{id}/reject")] = new("rejectApplication", "Reject an NPQ application", Applications),
        [("PUT", "/npq-applications/{id}/change-funded-place")] = new("changeApplicationFundedPlace", "Change whether an accepted application has a funded place", Applications),
        [("GET", "/npq-enrolments.csv")] = new("listEnrolmentsCsv", "List your participants' enrolments as CSV", Enrolments),

        [("GET", "/participants/npq")] = new("listParticipants", "List your NPQ participants", Participants),
        [("GET", "/participants/npq/{id}")] = new("getParticipant", "Get one NPQ participant", Participants),
        [("PUT", "/participants/npq/{id}/defer")] = new("deferParticipant", "Defer a participant's training", Participants),
        [("PUT", "/participants/npq/{id}/resume")] = new("resumeParticipant", "Resume a participant's training", Participants),
        [("PUT", "/participants/npq/{id}/withdraw")] = new("withdrawParticipant", "Withdraw a participant from training", Participants),
        [("PUT", "/participants/npq/{id}/change-schedule")] = new("changeParticipantSchedule", "Move a participant to another schedule", Participants),

        [("GET", "/participants/npq/outcomes")] = new("listOutcomes", "List the outcomes of all your participants", Outcomes),
        [("GET", "/participants/npq/{id}/outcomes")] = new("listParticipantOutcomes", "List one participant's outcomes", Outcomes),
        [("POST", "/participants/npq/{id}/outcomes")] = new("createParticipantOutcome", "Record a participant's outcome", Outcomes),

        [("GET", "/participant-declarations")] = new("listDeclarations", "List your participant declarations", Declarations),
        [("GET", "/participant-declarations.csv")] = new("listDeclarationsCsv", "List your participant declarations as CSV", Declarations),
        [("GET", "/participant-declarations/{id}")] = new("getDeclaration", "Get one participant declaration", Declarations),
        [("POST", "/participant-declarations")] = new("createDeclaration", "Declare that a participant reached a milestone", Declarations),
        [("PUT", "/participant-declarations/{id}/void")] = new("voidDeclaration", "Void a declaration (a paid one is clawed back)", Declarations),
        [("PUT", "/participant-declarations/{id}/change-delivery-partner")] = new("changeDeclarationDeliveryPartner", "Change a declaration's delivery partner", Declarations),

        [("GET", "/statements")] = new("listStatements", "List your financial statements", Statements),
        [("GET", "/statements/{id}")] = new("getStatement", "Get one financial statement", Statements),
        [("GET", "/delivery-partners")] = new("listDeliveryPartners", "List the delivery partners you can declare with", DeliveryPartners),
        [("GET", "/delivery-partners/{id}")] = new("getDeliveryPartner", "Get one delivery partner", DeliveryPartners),
        [("GET", "/changes")] = new("listChanges", "Your changes since a cursor: every change you can see, in commit order, with no gaps", Changes),
        [("GET", "/receipts/{id}")] = new("listReceipts", "Receipts for the changes you made to one resource, provable offline", Receipts),
    };

    /// <summary>The entry of an API description's method and relative path (<c>api/v3/npq-applications/{id}</c>); null when there is none.</summary>
    public static Name? Of(string? method, string? relativePath)
    {
        if (method is null || relativePath is null)
            return null;
        var path = "/" + relativePath.TrimStart('/');
        var slash = path.IndexOf('/', "/api/".Length);
        if (!path.StartsWith("/api/v", StringComparison.Ordinal) || slash < 0)
            return null;
        return All.GetValueOrDefault((method.ToUpperInvariant(), path[slash..]));
    }
}
