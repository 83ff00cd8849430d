namespace Npq.Api.Requests;

// The request bodies of the write endpoints: controllers take a RequestEnvelope<T> parameter, bound
// by JsonApiInputFormatter (RequestJson: a value of the wrong JSON type reads as text or as absent,
// so the contract's 422 names it); the validators of the commands check them, and the OpenAPI
// documents describe these same parameters. `required` members are required in the documents; a missing one
// arrives as null and is refused in the contract's words. Unknown attributes are ignored. Each
// version's records live in its folder (V1/…/…RequestsV1.cs, V3/…/…RequestsV3.cs); the ones every
// version shares beside the controller that serves them, or here.

/// <summary>The attributes of a request body (the OpenAPI documents describe their required members as non-null).</summary>
#pragma warning disable CA1040 // a marker: the documents tell request records from responses by it
public interface IRequestAttributes;
#pragma warning restore CA1040

/// <summary><c>{"data":{"type":…,"attributes":{…}}}</c> (§1.4). Never validated by MVC: the commands' validators and the rules answer in the contract's words.</summary>
[Microsoft.AspNetCore.Mvc.ModelBinding.Validation.ValidateNever]
public sealed class RequestEnvelope<T>
    where T : class
{
    public required RequestData<T> Data { get; init; }
}

public sealed class RequestData<T>
    where T : class
{
    /// <summary>The resource type; not checked by the API.</summary>
    public string? Type { get; init; }

    public required T Attributes { get; init; }
}

public sealed record ChangeFundedPlaceRequest : IRequestAttributes
{
    /// <summary>A JSON boolean.</summary>
    public required bool? FundedPlace { get; init; }
}
