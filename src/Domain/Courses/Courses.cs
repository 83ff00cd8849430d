namespace Npq.Domain.Courses;

/// <summary>The twelve NPQ courses of CONTRACT §4.1.</summary>
public static class Courses
{
    public const string SeniorLeadership = "npq-senior-leadership";
    public const string Headship = "npq-headship";
    public const string ExecutiveLeadership = "npq-executive-leadership";
    public const string EarlyYearsLeadership = "npq-early-years-leadership";
    public const string Senco = "npq-senco";
    public const string LeadingTeaching = "npq-leading-teaching";
    public const string LeadingBehaviourCulture = "npq-leading-behaviour-culture";
    public const string LeadingTeachingDevelopment = "npq-leading-teaching-development";
    public const string LeadingLiteracy = "npq-leading-literacy";
    public const string LeadingPrimaryMathematics = "npq-leading-primary-mathematics";
    public const string AdditionalSupportOffer = "npq-additional-support-offer";
    public const string EarlyHeadshipCoachingOffer = "npq-early-headship-coaching-offer";

    public static IReadOnlyList<Course> All { get; } =
    [
        new(SeniorLeadership, "NPQ for Senior Leadership", CourseGroup.Leadership, true, null),
        new(Headship, "NPQ for Headship", CourseGroup.Leadership, true, null),
        new(ExecutiveLeadership, "NPQ for Executive Leadership", CourseGroup.Leadership, true, null),
        new(EarlyYearsLeadership, "NPQ for Early Years Leadership", CourseGroup.Leadership, true, null),
        new(Senco, "NPQ for Special Educational Needs Co-ordinators", CourseGroup.Leadership, true, 2024),
        new(LeadingTeaching, "NPQ for Leading Teaching", CourseGroup.Specialist, true, null),
        new(LeadingBehaviourCulture, "NPQ for Leading Behaviour and Culture", CourseGroup.Specialist, true, null),
        new(LeadingTeachingDevelopment, "NPQ for Leading Teacher Development", CourseGroup.Specialist, true, null),
        new(LeadingLiteracy, "NPQ for Leading Literacy", CourseGroup.Specialist, true, null),
        new(LeadingPrimaryMathematics, "NPQ for Leading Primary Mathematics", CourseGroup.Specialist, true, 2023),
        new(AdditionalSupportOffer, "Additional Support Offer for new headteachers", CourseGroup.Support, false, null),
        new(EarlyHeadshipCoachingOffer, "Early Headship Coaching Offer", CourseGroup.Ehco, true, null),
    ];

    private static readonly Dictionary<string, Course> ByIdentifier =
        All.ToDictionary(c => c.Identifier, StringComparer.Ordinal);

    public static Course? Find(string? identifier) =>
        identifier is not null && ByIdentifier.TryGetValue(identifier, out var course) ? course : null;

    public static Course Get(string identifier) =>
        Find(identifier) ?? throw new ArgumentException($"Unknown course '{identifier}'.", nameof(identifier));

    public static bool SameFamily(string a, string b) => Get(a).Family == Get(b).Family;
}
