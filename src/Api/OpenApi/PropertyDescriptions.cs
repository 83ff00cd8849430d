using Microsoft.OpenApi;

namespace Npq.Api.OpenApi;

/// <summary>
/// What each property of the JSON means, in the contract's words (docs/contract.md §2.4–2.9, issue 29), so
/// a generated client's fields carry their meaning. Keyed by the snake_case name; where one name means
/// different things, by the resource as well (<c>declaration.state</c>). A property that already has a
/// description ([Description] on the record) keeps it.
/// </summary>
public static class PropertyDescriptions
{
    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        // Envelopes and errors.
        ["data"] = "The resource, or the page of resources.",
        ["id"] = "The resource's id (a UUID).",
        ["type"] = "The kind of resource, always the same for a list or a show.",
        ["attributes"] = "The resource's fields.",
        ["errors"] = "What was wrong with the request, one entry per problem.",
        ["error"] = "What was wrong with the request.",
        ["title"] = "The problem's name: the field, or a short title such as `Bad request`.",
        ["detail"] = "What the problem is and how to put it right.",
        ["links"] = "Where to read the resource now.",
        ["self"] = "The path of the resource that changed.",
        ["participant"] = "The path of its participant, when there is one.",
        ["resource_id"] = "The id of the resource that changed.",

        // Shared by several resources.
        ["participant_id"] = "The participant's id (a UUID): the same person across providers, applications and declarations.",
        ["course_identifier"] = "The NPQ course, e.g. `npq-senior-leadership`.",
        ["schedule_identifier"] = "The schedule the participant follows, which sets when each declaration may be made, e.g. `npq-leadership-autumn`.",
        ["cohort"] = "The cohort: the year the training starts, e.g. `2025`.",
        ["cohort_suffix"] = "The cohort's part when a year has more than one (`a`, `b`): `2025b` is cohort `2025`, suffix `b`.",
        ["created_at"] = "When it was created (ISO 8601, UTC).",
        ["updated_at"] = "When it last changed in a way you can see (ISO 8601, UTC): use it with `filter[updated_since]`.",
        ["email"] = "The participant's email address; null once it was removed at their request.",
        ["full_name"] = "The participant's full name.",
        ["teacher_reference_number"] = "The participant's teacher reference number (7 digits), once verified; otherwise null.",
        ["funded_place"] = "Whether the place is funded by DfE; null where funding places are not capped.",
        ["eligible_for_funding"] = "Whether the participant is eligible for DfE funding for this course.",
        ["targeted_delivery_funding_eligibility"] = "Whether the application attracts targeted delivery funding (an uplift on the `started` payment).",
        ["school_urn"] = "The URN of the participant's school; null outside schools.",
        ["training_status"] = "The participant's training on this course: `active`, `deferred` or `withdrawn`.",
        ["npq_application_id"] = "The id of the application this enrolment comes from.",
        ["reason"] = "Why, as one of the reasons the API lists.",
        ["date"] = "When (ISO 8601).",
        ["delivery_partner_id"] = "The delivery partner that delivers the training (a UUID from the delivery-partners list).",
        ["secondary_delivery_partner_id"] = "A second delivery partner, when two share the training; null otherwise.",
        ["delivery_partner_name"] = "The delivery partner's name.",
        ["secondary_delivery_partner_name"] = "The second delivery partner's name, or null.",

        // Applications.
        ["status"] = "The application's state with you: `pending` until you accept or reject it.",
        ["reason_for_rejection"] = "Why it was rejected: by you, because another application in the cohort was accepted, or because the registration expired; null otherwise.",
        ["email_validated"] = "Always true: the participant confirmed their email address when registering.",
        ["employer_name"] = "The participant's employer, as they gave it.",
        ["employment_role"] = "The participant's role, as they gave it.",
        ["funding_choice"] = "Who pays when the participant is not funded: `school`, `trust`, `self`, `another` or `employer`; null when they were eligible for funding.",
        ["headteacher_status"] = "For the Early Headship Coaching Offer: whether, and for how long, the participant has been a headteacher; null otherwise.",
        ["ineligible_for_funding_reason"] = "Why the participant is not eligible for funding (`previously-funded`, `establishment-ineligible`); null when eligible.",
        ["private_childcare_provider_urn"] = "The Ofsted URN of the participant's private childcare provider (`EY…`), when they work in one.",
        ["teacher_reference_number_validated"] = "Whether the teacher reference number was verified.",
        ["school_ukprn"] = "The UKPRN of the participant's school or college, when it has one.",
        ["works_in_school"] = "Whether the participant works in a school.",
        ["teacher_catchment"] = "Whether the participant teaches in the UK, the Channel Islands or the Isle of Man.",
        ["teacher_catchment_country"] = "The country the participant teaches in.",
        ["teacher_catchment_iso_country_code"] = "That country's ISO 3166 code (`GBR` for the United Kingdom).",
        ["itt_provider"] = "The initial teacher training provider the participant mentors for (Leading Teacher Development), by its legal name.",
        ["lead_mentor"] = "Whether the participant is a lead mentor for an ITT provider.",
        ["works_as_senco"] = "Whether the participant works as a SENCO, as they answered when registering.",
        ["senco_start_date"] = "When the participant started as a SENCO (`YYYY-MM-DD`).",

        // Participants.
        ["npq_courses"] = "The courses of your accepted applications for this participant.",
        ["funded_places"] = "For each of those courses, whether the place is funded.",
        ["npq_course"] = "The course.",
        ["npq_enrolments"] = "The participant's courses with you: one per accepted application.",
        ["previous_names"] = "The names the participant had before a change of name, oldest first.",
        ["participant_id_changes"] = "Ids this participant had before their records were merged, newest first: replace the old ids in your records.",
        ["from_participant_id"] = "The id the participant had.",
        ["to_participant_id"] = "The id that replaced it.",
        ["changed_at"] = "When the id was replaced.",
        ["withdrawal"] = "The latest withdrawal you recorded, while the participant is withdrawn; null otherwise.",
        ["deferral"] = "The latest deferral you recorded, while the participant is deferred; null otherwise.",
        ["enrolment.created_at"] = "When you accepted the application.",

        // Declarations.
        ["declaration_type"] = "The milestone declared: `started`, `retained-1`, `retained-2` or `completed`.",
        ["declaration_date"] = "When the participant reached the milestone (ISO 8601); it must fall in the schedule's window for that milestone.",
        ["declaration.state"] = "Where the declaration is on its way to payment: `submitted`, `eligible`, `payable`, `paid`, `voided`, `ineligible`, `awaiting-clawback`, `clawed-back`.",
        ["has_passed"] = "For a `completed` declaration of a leadership course: whether the participant passed (from its latest outcome); null otherwise.",
        ["voided"] = "Whether the declaration was voided.",
        ["eligible_for_payment"] = "Whether the declaration is eligible or payable.",
        ["statement_id"] = "The statement its payment is on (eligible, payable, paid); null before that, and when voided or ineligible.",
        ["clawback_statement_id"] = "The statement its clawback is on, after a paid declaration was voided; null otherwise.",
        ["application_id"] = "The application the declaration is for.",
        ["uplift_paid"] = "Whether the targeted delivery funding uplift was paid with this `started` declaration.",
        ["lead_provider_name"] = "The provider that made the declaration.",
        ["declaration.ineligible_for_funding_reason"] = "`duplicate_declaration` when another declaration of the same milestone was already made; null otherwise.",

        // Outcomes.
        ["outcome.state"] = "The outcome: `passed`, `failed`, or `voided` when the completed declaration was voided.",
        ["completion_date"] = "When the participant completed the course (`YYYY-MM-DD`).",

        // Statements and delivery partners.
        ["month"] = "The statement's month, by its English name.",
        ["year"] = "The statement's year.",
        ["cut_off_date"] = "The last day declarations can join this statement (`YYYY-MM-DD`).",
        ["payment_date"] = "When DfE pays the statement (`YYYY-MM-DD`).",
        ["paid"] = "Whether the statement has been paid.",
        ["name"] = "The delivery partner's name.",
        ["delivery_partner.cohort"] = "The cohorts (start years) in which this delivery partner works with you.",
    };

    /// <summary>
    /// The description of a property's own schema (<paramref name="name"/> in <paramref name="declaringType"/>),
    /// unless it has one. A property of an object type is left alone: its schema is a shared component, described by its type.
    /// </summary>
    public static void Describe(OpenApiSchema schema, string name, Type declaringType, bool isObject)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(declaringType);
        if (isObject || schema.Description is not null)
            return;
        var resource = declaringType.Name switch
        {
            var n when n.Contains("Declaration", StringComparison.Ordinal) => "declaration",
            var n when n.Contains("Outcome", StringComparison.Ordinal) => "outcome",
            var n when n.StartsWith("Enrolment", StringComparison.Ordinal) => "enrolment",
            var n when n.StartsWith("DeliveryPartnerAttributes", StringComparison.Ordinal) => "delivery_partner",
            _ => null,
        };
        if (resource is not null && Descriptions.TryGetValue($"{resource}.{name}", out var text) || Descriptions.TryGetValue(name, out text))
            schema.Description = text;
    }
}
