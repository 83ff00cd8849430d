using FluentValidation;
using Mediator;
using Npq.Application.Common.Errors;
using Npq.Domain.Common;

namespace Npq.Application.Common.Behaviours;

/// <summary>
/// Checks every command before its handler runs. First, its text is clean (issue 24): a text attribute
/// holding a control character (NUL and the rest of C0, DEL, C1) or half of a surrogate pair is the
/// contract's 422 on that attribute, whichever way the command arrived (any API version, the web form,
/// the admin API, the command line). Then every FluentValidation validator of the command runs.
/// Failures become the contract's 422 body: one entry per (attribute, distinct message), the attribute
/// name as <c>title</c>. A validator can ask for a 400 instead by setting the error code <see cref="BadRequestCode"/>.
/// </summary>
public sealed class ValidationBehaviour<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IBaseCommand
{
    public const string BadRequestCode = "bad_request";

    /// <summary>The command's text attributes (strings and lists of strings), by wire name; found once per command type.</summary>
    private static readonly (string Attribute, Func<TMessage, IEnumerable<string?>> Read)[] TextAttributes = typeof(TMessage)
        .GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
        .Where(p => p.CanRead && p.GetIndexParameters().Length == 0
                    && (p.PropertyType == typeof(string) || typeof(IEnumerable<string>).IsAssignableFrom(p.PropertyType)))
        .Select(p => (System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name), (Func<TMessage, IEnumerable<string?>>)(m => p.GetValue(m) switch
        {
            string text => [text],
            IEnumerable<string> texts => texts,
            _ => [],
        })))
        .ToArray();

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var unclean = TextAttributes
            .Where(a => a.Read(message).Any(t => t is not null && !CleanText.IsClean(t)))
            .Select(a => new DomainError(a.Attribute, $"The property '#/{a.Attribute}' must not contain control characters"))
            .ToList();
        if (unclean.Count > 0)
            throw new RuleViolationException(unclean);

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

/// <summary>What text the service accepts: no control characters and no half of a surrogate pair.</summary>
public static class CleanText
{
    public static bool IsClean(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
                return false;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(c))
                return false;
        }

        return true;
    }
}
