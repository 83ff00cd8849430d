using FluentValidation;
using Mediator;
using Npq.Application.Common.Errors;
using Npq.Domain.Common;

namespace Npq.Application.Common.Behaviours;

/// <summary>
/// Runs every FluentValidation validator of the request. Failures become the contract's 422 body:
/// one entry per (attribute, distinct message), the attribute name as <c>title</c>.
/// A validator can ask for a 400 instead by setting the error code <see cref="BadRequestCode"/>.
/// </summary>
public sealed class ValidationBehaviour<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IValidatedRequest
{
    public const string BadRequestCode = "bad_request";

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var failures = new List<FluentValidation.Results.ValidationFailure>();
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(message, cancellationToken);
            failures.AddRange(result.Errors);
        }

        if (failures.Count == 0)
            return await next(message, cancellationToken);

        var badRequest = failures.FirstOrDefault(f => f.ErrorCode == BadRequestCode);
        if (badRequest is not null)
            throw new BadRequestException(badRequest.ErrorMessage);

        var errors = failures
            .Select(f => new DomainError(f.PropertyName, f.ErrorMessage))
            .Distinct()
            .ToList();
        throw new RuleViolationException(errors);
    }
}
