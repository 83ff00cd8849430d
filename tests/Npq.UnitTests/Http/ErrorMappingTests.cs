namespace Npq.UnitTests.Http;

public sealed class ErrorMappingTests
{
    [Fact]
    public void A_stream_write_conflict_nobody_handled_is_a_409_and_a_lock_or_statement_timeout_a_503()
    {
        Npq.Api.Errors.ApiExceptionHandler.Describe(new JasperFx.ConcurrencyException(typeof(object), Guid.NewGuid())).Status.ShouldBe(409);
        Npq.Api.Errors.ApiExceptionHandler.Describe(new InvalidOperationException("wrapped", new Npgsql.PostgresException("lock timeout", "ERROR", "ERROR", "55P03")))
            .Status.ShouldBe(503);
        Npq.Api.Errors.ApiExceptionHandler.Describe(new Npgsql.PostgresException("canceled", "ERROR", "ERROR", "57014")).Status.ShouldBe(503);
        Npq.Api.Errors.ApiExceptionHandler.Describe(new InvalidOperationException("a bug")).Status.ShouldBe(500);
    }
}
