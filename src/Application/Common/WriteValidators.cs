using FluentValidation;
using Npq.Application.Declarations.ChangeDeliveryPartner;
using Npq.Application.Declarations.SubmitDeclaration;
using Npq.Application.DeliveryPartners;
using Npq.Application.NpqApplications.AcceptApplication;
using Npq.Application.Outcomes.CreateOutcome;
using Npq.Application.Participants.ChangeSchedule;
using Npq.Application.Participants.ChangeTrainingStatus;

namespace Npq.Application.Common;

// One validator per write that takes text (issue 14): the input limits, checked in the mediator
// pipeline (ValidationBehaviour) before the handler. The rules that need stored data or the
// contract's error order stay in the domain's decisions.

public sealed class AcceptApplicationValidator : AbstractValidator<AcceptApplication>
{
    public AcceptApplicationValidator() => RuleFor(x => x.ScheduleIdentifier).WireText("schedule_identifier");
}

public sealed class ChangeTrainingStatusValidator : AbstractValidator<ChangeTrainingStatus>
{
    public ChangeTrainingStatusValidator()
    {
        RuleFor(x => x.CourseIdentifier).WireText("course_identifier");
        RuleFor(x => x.Reason).WireText("reason");
    }
}

public sealed class ChangeScheduleValidator : AbstractValidator<ChangeSchedule>
{
    public ChangeScheduleValidator()
    {
        RuleFor(x => x.CourseIdentifier).WireText("course_identifier");
        RuleFor(x => x.ScheduleIdentifier).WireText("schedule_identifier");
        RuleFor(x => x.Cohort).WireText("cohort");
    }
}

public sealed class CreateOutcomeValidator : AbstractValidator<CreateOutcome>
{
    public CreateOutcomeValidator()
    {
        RuleFor(x => x.CourseIdentifier).WireText("course_identifier");
        RuleFor(x => x.State).WireText("state");
        RuleFor(x => x.CompletionDate).WireText("completion_date");
    }
}

public sealed class SubmitDeclarationValidator : AbstractValidator<SubmitDeclaration>
{
    public SubmitDeclarationValidator()
    {
        RuleFor(x => x.ParticipantId).WireText("participant_id");
        RuleFor(x => x.DeclarationType).WireText("declaration_type");
        RuleFor(x => x.DeclarationDate).WireText("declaration_date");
        RuleFor(x => x.CourseIdentifier).WireText("course_identifier");
        RuleFor(x => x.DeliveryPartnerId).WireText("delivery_partner_id");
        RuleFor(x => x.SecondaryDeliveryPartnerId).WireText("secondary_delivery_partner_id");
    }
}

public sealed class ChangeDeliveryPartnerValidator : AbstractValidator<ChangeDeliveryPartner>
{
    public ChangeDeliveryPartnerValidator()
    {
        RuleFor(x => x.DeliveryPartnerId).WireText("delivery_partner_id");
        RuleFor(x => x.SecondaryDeliveryPartnerId).WireText("secondary_delivery_partner_id");
    }
}

public sealed class AddDeliveryPartnerValidator : AbstractValidator<AddDeliveryPartner>
{
    public AddDeliveryPartnerValidator() =>
        RuleFor(x => x.Name).NotEmpty().WithMessage("Enter the delivery partner's name").WireText("name");
}
