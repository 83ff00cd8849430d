namespace Npq.Application.Common;

/// <summary>A request that names its caller.</summary>
public interface ICallerRequest : Mediator.IMessage
{
    Caller Caller { get; }
}

/// <summary>Only a lead-provider token may run this request, and only on that provider's data.</summary>
public interface ILeadProviderRequest : ICallerRequest;

/// <summary>Only an admin token (DfE finance and support, B8) may run this request.</summary>
public interface IAdminRequest : ICallerRequest;

/// <summary>Only an auditor token (read-only audit API, B7) may run this request.</summary>
public interface IAuditorRequest : ICallerRequest;

/// <summary>Anyone may run this request (registration); it still names its caller for the audit trail.</summary>
public interface IAnonymousRequest : ICallerRequest;
