namespace Npq.Domain.Courses;

public enum CourseGroup
{
    Leadership,
    Specialist,
    Support,
    Ehco,
}

/// <summary>A course (CONTRACT §4.1). The catalogue is fixed by DfE and lives in code.</summary>
public sealed record Course(string Identifier, string Name, CourseGroup Group, bool ShownInRegistration, int? FirstCohort)
{
    /// <summary>
    /// The course family used by duplicate, previously-funded and target-application rules:
    /// ASO and EHCO are one family ("rebranded"), every other course is its own family.
    /// </summary>
    public string Family => Group is CourseGroup.Support or CourseGroup.Ehco ? "ehco" : Identifier;

    /// <summary>Leadership and specialist courses record outcomes; ASO and EHCO do not.</summary>
    public bool HasOutcomes => Group is CourseGroup.Leadership or CourseGroup.Specialist;
}
