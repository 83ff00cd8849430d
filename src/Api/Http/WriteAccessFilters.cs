using Mediator;
using Microsoft.AspNetCore.Mvc.Filters;
using Npq.Application.Declarations.ListDeclarations;
using Npq.Application.NpqApplications.GetApplication;

namespace Npq.Api.Http;

/// <summary>
/// The reference's order of checks on a write to one resource (issue 26): the resource named by the
/// route's <c>id</c> is looked up, and refused as not found (404) or not the caller's to change (403),
/// before the body is read, so a malformed body on an unknown or foreign id answers 404 or 403, not 400.
/// A resource filter runs before model binding; the handler checks again under its lock.
/// </summary>
public abstract class WriteAccessAttribute : Attribute, IAsyncResourceFilter
{
    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (Guid.TryParse(context.RouteData.Values["id"]?.ToString(), out var id))
        {
            var http = context.HttpContext;
            await CheckAsync(http.RequestServices.GetRequiredService<IMediator>(), http.Caller(), id, http.RequestAborted);
        }

        await next();
    }

    protected abstract Task CheckAsync(IMediator mediator, Application.Common.Caller caller, Guid id, CancellationToken cancellationToken);
}

/// <summary>The caller's application, else 404 (accept, change funded place).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ApplicationWriteAccessAttribute : WriteAccessAttribute
{
    protected override async Task CheckAsync(IMediator mediator, Application.Common.Caller caller, Guid id, CancellationToken cancellationToken) =>
        await mediator.Send(new GetApplication(caller, id), cancellationToken);
}

/// <summary>A declaration the caller may change, else 404 or 403 (void, change delivery partner).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DeclarationWriteAccessAttribute(bool includeTransferred) : WriteAccessAttribute
{
    public bool IncludeTransferred { get; } = includeTransferred;

    protected override async Task CheckAsync(IMediator mediator, Application.Common.Caller caller, Guid id, CancellationToken cancellationToken) =>
        await mediator.Send(new CheckDeclarationWritable(caller, IncludeTransferred, id), cancellationToken);
}
