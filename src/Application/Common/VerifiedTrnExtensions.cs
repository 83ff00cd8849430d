using Npq.Application.NpqApplications;
using Npq.Application.Participants;
using Npq.Domain.Participants;

namespace Npq.Application.Common;

public static class VerifiedTrnExtensions
{
    /// <summary>The application's TRN if verified, else null (<see cref="VerifiedTrn"/>).</summary>
    public static string? VerifiedTrn(this ApplicationView view) =>
        Domain.Participants.VerifiedTrn.Of(view.TeacherReferenceNumber, view.TeacherReferenceNumberValidated);

    /// <summary>The participant's TRN if verified, else null (<see cref="VerifiedTrn"/>).</summary>
    public static string? VerifiedTrn(this ParticipantView? view) =>
        view is null ? null : Domain.Participants.VerifiedTrn.Of(view.TeacherReferenceNumber, view.TeacherReferenceNumberVerified);
}
