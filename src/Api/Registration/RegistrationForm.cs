using System.Globalization;
using Npq.Domain.Common;

namespace Npq.Api.Registration;

/// <summary>
/// The state of the registration web form (CONTRACT B5): the values the applicant typed, keyed by
/// the wire names of <see cref="RegistrationAttributes"/>, and the errors to show beside them and
/// in the error summary, in the order the questions appear.
/// </summary>
public sealed class RegistrationForm
{
    /// <summary>The form fields that hold the day, month and year of the two dates.</summary>
    public const string Day = "_day", Month = "_month", Year = "_year";

    /// <summary>The questions in page order, each with the element the error summary links to.</summary>
    private static readonly (string Attribute, string Anchor)[] Questions =
    [
        (RegistrationAttributes.FullName, "full-name"),
        (RegistrationAttributes.Email, "email"),
        (RegistrationAttributes.DateOfBirth, "date-of-birth-day"),
        (RegistrationAttributes.TeacherReferenceNumber, "teacher-reference-number"),
        (RegistrationAttributes.NationalInsuranceNumber, "national-insurance-number"),
        (RegistrationAttributes.TeacherCatchment, "teacher-catchment"),
        (RegistrationAttributes.TeacherCatchmentCountry, "teacher-catchment-country"),
        (RegistrationAttributes.WorkSetting, "work-setting"),
        (RegistrationAttributes.SchoolUrn, "school-urn"),
        (RegistrationAttributes.KindOfNursery, "kind-of-nursery"),
        (RegistrationAttributes.PrivateChildcareProviderUrn, "private-childcare-provider-urn"),
        (RegistrationAttributes.EmploymentType, "employment-type"),
        (RegistrationAttributes.EmploymentRole, "employment-role"),
        (RegistrationAttributes.EmployerName, "employer-name"),
        (RegistrationAttributes.IttProvider, "itt-provider"),
        (RegistrationAttributes.ReferredByReturnToTeachingAdviser, "referred-by-return-to-teaching-adviser"),
        (RegistrationAttributes.CourseIdentifier, "course-identifier"),
        (RegistrationAttributes.EhcoHeadteacher, "ehco-headteacher"),
        (RegistrationAttributes.EhcoNewHeadteacher, "ehco-new-headteacher"),
        (RegistrationAttributes.WorksAsSenco, "works-as-senco"),
        (RegistrationAttributes.SencoStartDate, "senco-start-date-month"),
        (RegistrationAttributes.LeadProviderId, "lead-provider-id"),
        (RegistrationAttributes.Cohort, "cohort"),
        (RegistrationAttributes.FundingChoice, "funding-choice"),
    ];

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);

    public static RegistrationForm Empty() => new();

    /// <summary>Reads a posted form; blank fields count as not answered.</summary>
    public static RegistrationForm From(IFormCollection form)
    {
        var result = new RegistrationForm();
        foreach (var (key, value) in form)
        {
            var text = value.ToString().Trim();
            if (text.Length > 0 && !key.StartsWith("__", StringComparison.Ordinal))
                result._values[key] = text;
        }

        return result;
    }

    public bool HasErrors => _errors.Count > 0;

    public string? Value(string field) => _values.GetValueOrDefault(field);

    public bool Is(string field, string value) => string.Equals(Value(field), value, StringComparison.Ordinal);

    public string? Error(string attribute) => _errors.GetValueOrDefault(attribute);

    /// <summary>The errors in page order, with the id of the element each one links to.</summary>
    public IEnumerable<(string Anchor, string Message)> Summary()
    {
        foreach (var (attribute, anchor) in Questions)
        {
            if (_errors.TryGetValue(attribute, out var message))
                yield return (anchor, message);
        }

        foreach (var (attribute, message) in _errors)
        {
            if (Questions.All(q => q.Attribute != attribute))
                yield return ("registration-form", message);
        }
    }

    /// <summary>
    /// The value of an attribute for the command: the two dates are put together from their parts
    /// (a date that is not a real one is sent as missing, and the form says why); the API-only
    /// <c>participant_id</c> is never taken from a form; everything else is the field of the same name.
    /// </summary>
    public string? Attribute(string attribute) => attribute switch
    {
        RegistrationAttributes.DateOfBirth => Date(attribute, withDay: true),
        RegistrationAttributes.SencoStartDate => Date(attribute, withDay: false),
        RegistrationAttributes.ParticipantId => null, // API only: the form registers new participants
        _ => Value(attribute),
    };

    /// <summary>Keeps the first message for an attribute: the form's own checks come before the command's.</summary>
    public void AddErrors(IEnumerable<DomainError> errors)
    {
        foreach (var error in errors)
            _errors.TryAdd(error.Title, FormWording(error.Title, error.Detail));
    }

    /// <summary>Checks the form makes before the command: the parts of the dates.</summary>
    public void CheckDates()
    {
        if (AnyPart(RegistrationAttributes.DateOfBirth, withDay: true) && Date(RegistrationAttributes.DateOfBirth, withDay: true) is null)
            _errors[RegistrationAttributes.DateOfBirth] = "Date of birth must be a real date, like 27 3 1985";
        if (Is(RegistrationAttributes.WorksAsSenco, "yes") && AnyPart(RegistrationAttributes.SencoStartDate, withDay: false)
            && Date(RegistrationAttributes.SencoStartDate, withDay: false) is null)
        {
            _errors[RegistrationAttributes.SencoStartDate] = "The date you started as a SENCO must be a real month and year, like 9 2023";
        }
    }

    private bool AnyPart(string attribute, bool withDay) =>
        (withDay && Value(attribute + Day) is not null) || Value(attribute + Month) is not null || Value(attribute + Year) is not null;

    private string? Date(string attribute, bool withDay)
    {
        var day = withDay ? Number(Value(attribute + Day)) : 1;
        var month = Number(Value(attribute + Month));
        var year = Number(Value(attribute + Year));
        if (day is null || month is null || year is not (>= 1900 and <= 2100))
            return null;
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year.Value, month.Value))
            return null;
        return withDay
            ? string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}");
    }

    private static int? Number(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>The command speaks of the JSON format of dates; the form asks for their parts.</summary>
    private static string FormWording(string attribute, string message) => attribute switch
    {
        RegistrationAttributes.DateOfBirth when message.Contains("YYYY", StringComparison.Ordinal) => "Date of birth must be a real date, like 27 3 1985",
        RegistrationAttributes.SencoStartDate => "Enter the month and year you started as a SENCO",
        _ => message,
    };
}
