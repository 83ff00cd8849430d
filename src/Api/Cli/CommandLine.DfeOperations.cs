using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Npq.Application.Common;
using Npq.Application.NpqApplications;
using Npq.Application.NpqApplications.DfeOperations;
using Npq.Application.Participants;
using Npq.Application.Participants.ChangePersonDetails;
using Npq.Application.Participants.ErasePersonalData;
using Npq.Application.Participants.ChangeTrainingStatus;

namespace Npq.Api.Cli;

/// <summary>
/// DfE's operations that change what providers see (issue 26): the same commands as the admin API's
/// (docs/contract.md B8), run as <c>system</c>, each printing the changed resource as JSON.
/// </summary>
public static partial class CommandLine
{
    private static IEnumerable<Command> ApplicationOperations(Func<Task<WebApplication>> start)
    {
        var id = new Option<Guid>("--id") { Description = "The application's id", Required = true };

        var revert = new Command("revert-to-pending", "Put an accepted or rejected application back to pending") { id };
        revert.SetAction(Run(start, async (services, parse) =>
            Application(await SendAsync(services, new RevertApplicationToPending(Caller.System, parse.GetValue(id))))));
        yield return revert;

        var eligible = new Option<bool>("--eligible") { Description = "true: marked funded by policy; false: marked ineligible by policy", Required = true };
        var funding = new Command("override-funding", "Decide an application's funding eligibility by policy") { id, eligible };
        funding.SetAction(Run(start, async (services, parse) =>
            Application(await SendAsync(services, new OverrideFundingEligibility(Caller.System, parse.GetValue(id), parse.GetValue(eligible))))));
        yield return funding;

        var cohort = new Option<string>("--cohort") { Description = "The new cohort, e.g. 2025b", Required = true };
        var changeCohort = new Command("change-cohort", "Move an application to another cohort of the same funding") { id, cohort };
        changeCohort.SetAction(Run(start, async (services, parse) =>
            Application(await SendAsync(services, new ChangeApplicationCohort(Caller.System, parse.GetValue(id), parse.GetValue(cohort))))));
        yield return changeCohort;

        var action = new Option<TrainingAction>("--action") { Description = "defer, resume or withdraw", Required = true };
        var reason = new Option<string>("--reason") { Description = "The reason (defer, withdraw)" };
        var training = new Command("change-training-status", "Defer, resume or withdraw on the owning provider's behalf") { id, action, reason };
        training.SetAction(Run(start, async (services, parse) =>
            Application(await SendAsync(services, new ChangeTrainingStatusForProvider(Caller.System, parse.GetValue(id), parse.GetValue(action), parse.GetValue(reason))))));
        yield return training;

        var ids = new Option<Guid[]>("--ids") { Description = "Application ids (space separated)", Required = true, AllowMultipleArgumentsPerToken = true };
        var expired = new Command("reject-expired", "Reject applications whose registration expired (registration_expired)") { ids };
        expired.SetAction(Run(start, async (services, parse) =>
            (object)await SendAsync(services, new RejectExpiredApplications(Caller.System, parse.GetValue(ids)!))));
        yield return expired;
    }

    private static IEnumerable<Command> PersonOperations(Func<Task<WebApplication>> start)
    {
        var id = new Option<Guid>("--id") { Description = "The participant id", Required = true };

        var email = new Option<string?>("--email") { Description = "The new email; leave out to blank it (a later participant uses it)" };
        var changeEmail = new Command("change-email", "Change or blank a participant's email") { id, email };
        changeEmail.SetAction(Run(start, async (services, parse) =>
            Person(await SendAsync(services, new ChangeParticipantEmail(Caller.System, parse.GetValue(id), parse.GetValue(email))))));
        yield return changeEmail;

        var name = new Option<string>("--full-name") { Description = "The new full name (the old one is kept in previous_names)", Required = true };
        var changeName = new Command("change-name", "Change a participant's name") { id, name };
        changeName.SetAction(Run(start, async (services, parse) =>
            Person(await SendAsync(services, new ChangeParticipantName(Caller.System, parse.GetValue(id), parse.GetValue(name))))));
        yield return changeName;

        var trn = new Option<string>("--trn") { Description = "The seven-digit TRN", Required = true };
        var verify = new Command("verify-trn", "Record a TRN allocated or verified after registration") { id, trn };
        verify.SetAction(Run(start, async (services, parse) =>
            Person(await SendAsync(services, new VerifyParticipantTrn(Caller.System, parse.GetValue(id), parse.GetValue(trn))))));
        yield return verify;

        var why = new Option<string>("--reason") { Description = "Why (the UK GDPR Article 17 request it answers): kept in the log", Required = true };
        var erase = new Command("erase-personal-data", "Erase the person's name, email, TRN, date of birth and NI number everywhere (ADR 0040)") { id, why };
        erase.SetAction(Run(start, async (services, parse) =>
            Person(await SendAsync(services, new ErasePersonalData(Caller.System, parse.GetValue(id), parse.GetValue(why))))));
        yield return erase;
    }

    private static object Application(ApplicationView a) => new
    {
        application_id = a.Id, participant_id = a.ParticipantId, lead_provider_id = a.LeadProviderId, status = a.Status.ToString().ToLowerInvariant(),
        reason_for_rejection = a.ReasonForRejection, cohort = $"{a.Cohort}{a.CohortSuffix}", eligible_for_funding = a.EligibleForFunding,
        funded_place = a.FundedPlace, training_status = a.TrainingStatus?.ToString().ToLowerInvariant(),
    };

    private static object Person(ParticipantView p) => new
    {
        participant_id = p.Id, full_name = p.FullName, previous_names = p.PreviousNames, email = p.Email,
        teacher_reference_number = p.VerifiedTrn(), personal_data_erased_at = p.PersonalDataErasedAt,
    };
}
