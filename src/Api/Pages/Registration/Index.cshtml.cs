using Marten;
using Microsoft.AspNetCore.Antiforgery;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Npq.Api.Http;
using Npq.Api.Registration;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.Common.RateLimiting;
using Npq.Application.ReferenceData;
using Npq.Application.Registration.RegisterApplication;
using Npq.Domain.Courses;

namespace Npq.Api.Pages.Registration;

/// <summary>
/// <c>/registration</c>: the participant registration form (CONTRACT B5). Posting it sends the same
/// <see cref="Npq.Application.Registration.RegisterApplication.RegisterApplication"/> command as
/// <c>POST /api/registrations</c>; errors come back beside the questions and in an error summary;
/// success redirects to the confirmation page (post, redirect, get).
/// </summary>
/// <remarks>
/// The antiforgery token is checked here rather than by the framework's filter, so that an expired
/// or missing token re-shows the answers with a message instead of an empty 400.
/// </remarks>
[IgnoreAntiforgeryToken]
public sealed class IndexModel(IMediator mediator, IReferenceData referenceData, TimeProvider time, IQuerySession query, IAntiforgery antiforgery) : GovukPageModel
{
    public RegistrationForm Form { get; private set; } = RegistrationForm.Empty();

    public IReadOnlyList<LeadProvider> Providers { get; private set; } = [];

    public IReadOnlyList<Cohort> Cohorts { get; private set; } = [];

    public string? CurrentCohort { get; private set; }

    /// <summary>The schools and early years settings of the reference data, shown as examples.</summary>
    public IReadOnlyList<(string Urn, string Name)> Schools { get; private set; } = [];

    public static IEnumerable<Course> Courses => Domain.Courses.Courses.All.Where(c => c.ShownInRegistration);

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadChoicesAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        try
        {
            Form = RegistrationForm.From(await Request.ReadFormAsync(cancellationToken));
        }
        catch (InvalidDataException)
        {
            // ASP.NET refuses a form with a NUL in it before any field can be read (issue 24).
            Form.AddErrors([new("base", "Your answers must not contain control characters (such as NUL). Remove them and select Register again.")]);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadChoicesAsync(cancellationToken);
            return Page();
        }

        if (!await antiforgery.IsRequestValidAsync(HttpContext))
        {
            Form.AddErrors([new("base", "Your answers were not saved because the form had expired. Check them and select Register again.")]);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadChoicesAsync(cancellationToken);
            return Page();
        }

        Form.CheckDates();
        try
        {
            var command = new RegisterApplication(RegistrationAttributes.FromFields(Form.Attribute), HttpContext.Caller());
            var application = await mediator.Send(command, cancellationToken);
            var provider = (await referenceData.GetAsync(cancellationToken)).FindProvider(application.LeadProviderId);
            ConfirmationModel.HandOver(TempData, new ConfirmationModel.Confirmation(
                application.Id,
                Domain.Courses.Courses.Find(application.CourseIdentifier)?.Name ?? application.CourseIdentifier,
                provider?.Name,
                application.Cohort));
            return RedirectToPage("Confirmation");
        }
        catch (RuleViolationException violation)
        {
            Form.AddErrors(violation.Errors);
        }
        catch (BadRequestException bad)
        {
            Form.AddErrors([new("base", bad.Detail)]);
        }
        catch (TooManyRequestsException tooMany)
        {
            RateLimitMiddleware.WriteHeaders(Response, tooMany.Decision);
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Form.AddErrors([new("base", $"There have been too many registrations from your network. Try again in {RateLimitMiddleware.Seconds(tooMany.Decision.ResetAfter)} seconds.")]);
            await LoadChoicesAsync(cancellationToken);
            return Page();
        }

        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadChoicesAsync(cancellationToken);
        return Page();
    }

    private async Task LoadChoicesAsync(CancellationToken cancellationToken)
    {
        var reference = await referenceData.GetAsync(cancellationToken);
        Providers = reference.LeadProviders;
        Cohorts = reference.Cohorts;
        CurrentCohort = reference.CurrentCohort(time.Today())?.Id;
        if (EnvironmentName is "Sandbox" or "Development")
        {
            var schools = await query.Query<School>().OrderBy(s => s.Id).Take(50).ToListAsync(cancellationToken);
            var childcare = await query.Query<ChildcareProvider>().OrderBy(c => c.Id).Take(50).ToListAsync(cancellationToken);
            Schools = [.. schools.Select(s => (s.Id, s.Name)), .. childcare.Select(c => (c.Id, c.Name))];
        }
    }
}
