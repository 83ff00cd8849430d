using System.Net;
using Microsoft.AspNetCore.Http;
using Npq.Api.Http;

namespace Npq.UnitTests.Http;

public sealed class ClientAddressTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void Limits_are_kept_per_ipv4_address_and_per_ipv6_64(string remote, string key)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);

        HttpClientAddress.Of(context).ShouldBe(key);
    }

    [Fact]
    public void Two_addresses_of_one_ipv6_64_share_a_limit_and_another_64_does_not()
    {
        string Of(string address)
        {
            var context = new DefaultHttpContext();
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            return HttpClientAddress.Of(context);
        }

        Of("2001:db8:1:2::1").ShouldBe(Of("2001:db8:1:2:ffff::9"));
        Of("2001:db8:1:3::1").ShouldNotBe(Of("2001:db8:1:2::1"));
    }
}
