namespace Npq.Domain.Declarations;

/// <summary>Declaration states (CONTRACT §3.8). On the wire they are hyphenated (<c>awaiting-clawback</c>).</summary>
public enum DeclarationState
{
    Submitted,
    Eligible,
    Payable,
    Paid,
    Voided,
    Ineligible,
    AwaitingClawback,
    ClawedBack,
}

public static class DeclarationStates
{
    /// <summary>"Live": submitted, eligible, payable or paid (blocks a second declaration, rejects, funded-place changes).</summary>
    public static bool IsLive(DeclarationState state) =>
        state is DeclarationState.Submitted or DeclarationState.Eligible or DeclarationState.Payable or DeclarationState.Paid;

    public static IReadOnlyList<DeclarationState> Live { get; } =
        [DeclarationState.Submitted, DeclarationState.Eligible, DeclarationState.Payable, DeclarationState.Paid];
}

public static class DeclarationWire
{
    /// <summary>The hyphenated wire value (B2): <c>awaiting-clawback</c>, <c>clawed-back</c>.</summary>
    public static string Of(DeclarationState state) => state switch
    {
        DeclarationState.Submitted => "submitted",
        DeclarationState.Eligible => "eligible",
        DeclarationState.Payable => "payable",
        DeclarationState.Paid => "paid",
        DeclarationState.Voided => "voided",
        DeclarationState.Ineligible => "ineligible",
        DeclarationState.AwaitingClawback => "awaiting-clawback",
        DeclarationState.ClawedBack => "clawed-back",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };
}
