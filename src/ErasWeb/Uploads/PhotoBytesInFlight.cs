using ErasWeb.Configuration;
using ErasWeb.Localisation;
using Microsoft.Extensions.Options;

namespace ErasWeb.Uploads;

/// <summary>
/// A cap on the photo bytes all requests hold in memory at once. A photo is read whole into memory
/// and waits there for the CPU gate, so without a cap a burst of large uploads holds gigabytes.
/// </summary>
public sealed class PhotoBytesInFlight(IOptions<ErasOptions> options)
{
    long held;

    public long Limit { get; } = options.Value.MaxUploadBytesInFlight;
    public long Held => Interlocked.Read(ref held);

    /// <summary>A reservation that lasts until the response is done, however the request ends.</summary>
    public Reservation Open(HttpResponse response)
    {
        var reservation = new Reservation(this);
        response.RegisterForDispose(reservation);
        return reservation;
    }

    public sealed class Reservation(PhotoBytesInFlight budget) : IDisposable
    {
        long reserved;

        /// <summary>Holds <paramref name="bytes"/> in all for this request, or throws <see cref="UploadsBusyException"/> if that would pass the cap.</summary>
        public void GrowTo(long bytes)
        {
            long more = bytes - reserved;
            if (more <= 0) return;
            if (Interlocked.Add(ref budget.held, more) > budget.Limit)
            {
                Interlocked.Add(ref budget.held, -more);
                throw new UploadsBusyException();
            }
            reserved = bytes;
        }

        public void Dispose() => Interlocked.Add(ref budget.held, -Interlocked.Exchange(ref reserved, 0));
    }
}

/// <summary>Too many photo bytes are being received or waiting for the CPU right now; the client should retry shortly.</summary>
public sealed class UploadsBusyException() : Exception(Texts.Say("Busy"));
