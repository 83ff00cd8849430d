using System.Text.Json.Nodes;

namespace Npq.Bench;

/// <summary>The body of a valid <c>POST /api/registrations</c> for the benchmarks (a school in England).</summary>
public static class BenchRegistration
{
    public static JsonObject Body(string fullName, string email, string trn, string course, string providerId, string cohort)
    {
        var attributes = new JsonObject
        {
            ["full_name"] = fullName,
            ["email"] = email,
            ["date_of_birth"] = "1980-01-01",
            ["teacher_reference_number"] = trn,
            ["course_identifier"] = course,
            ["lead_provider_id"] = providerId,
            ["cohort"] = cohort,
            ["teacher_catchment"] = "england",
            ["work_setting"] = "a_school",
            ["school_urn"] = "100001",
        };
        if (course == "npq-senco")
        {
            attributes["works_as_senco"] = "yes";
            attributes["senco_start_date"] = "2022-09";
        }

        return new JsonObject { ["data"] = new JsonObject { ["type"] = "registration", ["attributes"] = attributes } };
    }
}
