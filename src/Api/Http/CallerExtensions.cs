using Npq.Api.Authentication;
using Npq.Application.Common;

namespace Npq.Api.Http;

public static class CallerExtensions
{
    public static Caller Caller(this HttpContext context) => TokenAuthenticationHandler.CallerOf(context.User);
}
