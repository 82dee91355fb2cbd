using System.Net;
using ErasWeb.Web;
using Microsoft.AspNetCore.Http;

namespace ErasWeb.Tests;

/// <summary>Who a request counts against, for rate limits, queue shares, wrong admin tokens and votes alike.</summary>
public class ClientIdentityTests
{
    static readonly ClientIdentity Clients = new();

    static string Of(string? address) =>
        Clients.Of(new DefaultHttpContext { Connection = { RemoteIpAddress = address is null ? null : IPAddress.Parse(address) } });

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("fe80::1234:5678:9abc:def0", "fe80::/64")]
    public void An_IPv6_client_counts_by_its_64(string address, string client) => Assert.Equal(client, Of(address));

    [Fact]
    public void Two_addresses_in_one_64_are_one_client_and_the_next_64_is_another()
    {
        Assert.Equal(Of("2001:db8:1:2:aaaa::1"), Of("2001:db8:1:2:bbbb::2"));
        Assert.NotEqual(Of("2001:db8:1:2::1"), Of("2001:db8:1:3::1"));
    }

    [Theory]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:198.51.100.1", "198.51.100.1")]
    public void An_IPv4_client_is_its_address_whether_or_not_it_came_mapped_into_IPv6(string address, string client) => Assert.Equal(client, Of(address));

    [Fact]
    public void Two_IPv4_clients_whose_mapped_addresses_share_an_IPv6_64_stay_two() =>
        // Mapped addresses all lie in ::ffff:0:0/96: folded as IPv6, every IPv4 client would be one.
        Assert.NotEqual(Of("::ffff:203.0.113.7"), Of("::ffff:203.0.113.8"));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.4.5.6")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.2")]
    public void Every_loopback_address_is_this_machine(string address) => Assert.Equal("127.0.0.1", Of(address));

    [Fact]
    public void A_connection_without_an_address_is_the_empty_client() => Assert.Equal("", Of(null));
}
