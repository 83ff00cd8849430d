using System.Globalization;
using System.Text.RegularExpressions;
using Npq.Domain.Common;

namespace Npq.Domain.Declarations;

/// <summary>The schedule of the target application, as the rules need it.</summary>
public sealed record ScheduleRules(DateOnly AppliesFrom, IReadOnlyCollection<string> AllowedTypes);

/// <summary>Everything checks #1–#16 of CONTRACT §3.7 read, gathered by the handler.</summary>
public sealed record SubmitDeclarationFacts
{
    public required bool ParticipantGiven { get; init; }

    /// <summary>Set when the id is a retired one: the message names the old and new ids.</summary>
    public string? RetiredParticipantMessage { get; init; }

    public required bool HasAcceptedApplicationWithCaller { get; init; }

    public required bool HasTarget { get; init; }

    /// <summary>The caller's latest application event for the target is a withdrawal at this time.</summary>
    public DateTimeOffset? WithdrawnAt { get; init; }

    public required bool AnyAcceptedApplicationInFamily { get; init; }

    public string? DeclarationDateText { get; init; }

    public DateTimeOffset? DeclarationDate { get; init; }

    public string? DeclarationType { get; init; }

    public ScheduleRules? Schedule { get; init; }

    public required bool HasContract { get; init; }

    public required bool FundableOrIdenticalNonSubmitted { get; init; }

    public Guid? NextOutputFeeStatement { get; init; }

    public required bool NeedsHasPassed { get; init; }

    public required bool HasPassedIsBoolean { get; init; }

    public required bool LiveDeclarationOfType { get; init; }

    public string? LiveDeclarationState { get; init; }

    public required DeliveryPartnerFacts Partners { get; init; }

    public required DateTimeOffset Now { get; init; }
}

/// <summary>Delivery-partner facts (a request without delivery partners leaves every flag false and <see cref="Apply"/> off).</summary>
public sealed record DeliveryPartnerFacts(
    bool Apply,
    bool PrimaryGiven,
    bool PrimaryExists,
    bool SecondaryGiven,
    bool SecondaryExists,
    bool PrimaryIsProvidersPartnerForCohort,
    bool SecondaryIsProvidersPartnerForCohort,
    bool SameAsPrimary,
    bool InsideCatchment,
    int CohortYear)
{
    public static DeliveryPartnerFacts None { get; } = new(false, false, false, false, false, false, false, false, false, 0);
}

/// <summary>CONTRACT §3.7 checks #1–#16 in order; (g) checks are skipped once an earlier one failed.</summary>
public static partial class SubmitDeclarationRules
{
    public static IReadOnlyList<DomainError> Check(SubmitDeclarationFacts f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var errors = new List<DomainError>();
        bool Failed() => errors.Count > 0;

        // 1
        if (!f.ParticipantGiven)
            errors.Add(new("participant_id", "The property '#/participant_id' must be present"));
        else if (f.RetiredParticipantMessage is { } retired)
            errors.Add(new("participant_id", retired));
        // 2 (g)
        if (!Failed() && !f.HasAcceptedApplicationWithCaller)
            errors.Add(new("participant_id", "Your update cannot be made as the '#/participant_id' is not recognised. Check participant details and try again."));
        // 3 (g)
        if (!Failed() && f.WithdrawnAt is { } withdrawnAt && f.DeclarationDate is { } date && withdrawnAt <= date)
        {
            errors.Add(new("participant_id",
                $"This participant withdrew from this course on {withdrawnAt:yyyy-MM-dd'T'HH:mm:ss'Z'}. Enter a '#/declaration_date' that's before the withdrawal date."));
        }

        // 4 (g)
        if (!Failed() && !f.AnyAcceptedApplicationInFamily)
            errors.Add(new("course_identifier", "The entered '#/course_identifier' is not recognised for this participant. Check details and try again."));

        // 5 (g), 6 (g), 7
        var datePresent = !string.IsNullOrWhiteSpace(f.DeclarationDateText);
        if (!Failed() && datePresent && f.DeclarationDate is null)
            errors.Add(new("declaration_date", "Enter a valid RFC 3339 '#/declaration_date', like 2024-10-01T09:00:00Z"));
        if (!Failed() && f.DeclarationDate is { } d && f.Schedule is { } schedule
            && d < new DateTimeOffset(schedule.AppliesFrom.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero))
        {
            errors.Add(new("declaration_date", "Enter a '#/declaration_date' that's on or after the schedule start"));
        }

        if (!datePresent)
            errors.Add(new("declaration_date", "Enter a '#/declaration_date'"));
        if (string.IsNullOrWhiteSpace(f.DeclarationType))
            errors.Add(new("declaration_type", "Enter a '#/declaration_type'"));
        // 8
        else if (!DeclarationTypes.All.Contains(f.DeclarationType))
            errors.Add(new("declaration_type", "The entered '#/declaration_type' is not recognised. Check details and try again."));

        // 9 (g), 10 (g)
        if (!Failed() && f.HasTarget && f.Schedule is null)
            errors.Add(new("application", "The participant has no schedule: contact DfE"));
        if (!Failed() && f.Schedule is { } s && !s.AllowedTypes.Contains(f.DeclarationType!))
            errors.Add(new("declaration_type", "The entered '#/declaration_type' is not permitted for this participant's schedule"));

        // 11 (g), 12 (g)
        if (!Failed() && !f.HasContract)
            errors.Add(new("cohort", "You cannot submit or void declarations for this cohort and course: there is no contract"));
        if (!Failed() && f.FundableOrIdenticalNonSubmitted && f.NextOutputFeeStatement is null)
            errors.Add(new("cohort", "You cannot submit or void declarations for this cohort: its funding contract has ended"));

        // 13
        if (f.NeedsHasPassed && !f.HasPassedIsBoolean)
            errors.Add(new("has_passed", "Enter 'true' or 'false' in '#/has_passed' for a completed declaration"));

        // 14 (g)
        if (!Failed() && f.LiveDeclarationOfType)
            errors.Add(new("base", $"A declaration for this event already exists ({f.LiveDeclarationState}): void it before declaring again"));

        // 15
        var p = f.Partners;
        if (p.Apply && p.PrimaryGiven && !p.PrimaryExists)
            errors.Add(new("delivery_partner_id", "The '#/delivery_partner_id' does not exist"));
        if (p.Apply && p.SecondaryGiven && !p.SecondaryExists)
            errors.Add(new("secondary_delivery_partner_id", "The '#/secondary_delivery_partner_id' does not exist"));

        // 16 (g)
        if (!Failed())
        {
            if (f.DeclarationDate is { } when && when > f.Now)
                errors.Add(new("declaration_date", "The '#/declaration_date' cannot be in the future"));
            if (p.Apply)
                errors.AddRange(DeliveryPartnerRules(p));
        }

        return errors;
    }

    /// <summary>§3.7 #16 (with delivery partners only), also used by change-delivery-partner (§3.10).</summary>
    public static IEnumerable<DomainError> DeliveryPartnerRules(DeliveryPartnerFacts p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.InsideCatchment && p.CohortYear >= 2024 && !p.PrimaryGiven)
            yield return new("delivery_partner_id", "The '#/delivery_partner_id' is required for this participant");
        if (!p.InsideCatchment && p.PrimaryGiven)
            yield return new("delivery_partner_id", "Leave '#/delivery_partner_id' blank: the participant is outside the catchment");
        if (p.PrimaryGiven && p.PrimaryExists && !p.PrimaryIsProvidersPartnerForCohort)
            yield return new("delivery_partner_id", "The '#/delivery_partner_id' is not one of your delivery partners for this cohort");
        if (p.SecondaryGiven && !p.PrimaryGiven)
            yield return new("secondary_delivery_partner_id", "A '#/secondary_delivery_partner_id' needs a '#/delivery_partner_id'");
        if (p.SecondaryGiven && !p.InsideCatchment)
            yield return new("secondary_delivery_partner_id", "Leave '#/secondary_delivery_partner_id' blank: the participant is outside the catchment");
        if (p.SecondaryGiven && p.SecondaryExists && !p.SecondaryIsProvidersPartnerForCohort)
            yield return new("secondary_delivery_partner_id", "The '#/secondary_delivery_partner_id' is not one of your delivery partners for this cohort");
        if (p.SecondaryGiven && p.SameAsPrimary)
            yield return new("secondary_delivery_partner_id", "The '#/secondary_delivery_partner_id' must differ from '#/delivery_partner_id'");
    }

    /// <summary>
    /// RFC 3339 date-time: <c>YYYY-MM-DDThh:mm:ss</c>, optional fraction, optional <c>Z</c> or
    /// <c>±hh[:]mm</c>; no zone means UTC. A date alone is refused.
    /// </summary>
    public static DateTimeOffset? ParseDeclarationDate(string? text)
    {
        if (text is null)
            return null;
        var match = DateTimePattern().Match(text.Trim());
        if (!match.Success)
            return null;
        var local = match.Groups["local"].Value;
        if (!DateTime.TryParseExact(local, ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"], CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var value))
        {
            return null;
        }

        var zone = match.Groups["zone"].Value;
        var offset = TimeSpan.Zero;
        if (zone.Length > 1)
        {
            var digits = zone[1..].Replace(":", "", StringComparison.Ordinal);
            var hours = int.Parse(digits[..2], CultureInfo.InvariantCulture);
            var minutes = int.Parse(digits[2..], CultureInfo.InvariantCulture);
            if (minutes > 59)
                return null;
            offset = new TimeSpan(hours, minutes, 0);
            if (zone[0] == '-')
                offset = -offset;
        }

        return Common.Timestamps.AtOffset(value, offset);
    }

    // [0-9], not \d: \d also matches other scripts' digits, which the parsers below do not read.
    [GeneratedRegex(@"^(?<local>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,7})?)(?<zone>Z|z|[+-][0-9]{2}:?[0-9]{2})?$")]
    private static partial Regex DateTimePattern();
}
