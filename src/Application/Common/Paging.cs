namespace Npq.Application.Common;

/// <summary>One page of a list (CONTRACT §1.6): 1-based, at most 3,000 rows.</summary>
public sealed record Page(int Number, int Size)
{
    public const int DefaultSize = 100;
    public const int MaxSize = 3000;

    public static Page Default { get; } = new(1, DefaultSize);

    public int Skip => (int)Math.Min(int.MaxValue, (long)(Number - 1) * Size);
}

/// <summary>One part of a <c>sort</c> parameter.</summary>
public sealed record SortField(string Field, bool Descending);
