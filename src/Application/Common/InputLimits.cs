using FluentValidation;

namespace Npq.Application.Common;

/// <summary>
/// The bounds every text attribute of a write is held to before any rule reads it (issue 14, ADR 0018):
/// identifiers, reasons, dates and ids as sent are all far shorter than <see cref="Text"/>, so a longer
/// one is refused with the contract's 422 on that attribute and no rule ever sees it.
/// </summary>
public static class InputLimits
{
    /// <summary>The most characters of a text attribute of a provider's write.</summary>
    public const int Text = 200;

    public static IRuleBuilderOptions<T, string?> WireText<T>(this IRuleBuilder<T, string?> rule, string attribute, int max = Text) =>
        rule.MaximumLength(max)
            .WithMessage($"The property '#/{attribute}' must be {max} characters or fewer")
            .OverridePropertyName(attribute);
}
