# Build: docker build -t erasweb .
# Run:   docker run -p 8501:8501 -v erasweb-data:/data erasweb
# The same image runs every role (ERAS_ROLE=all|web|worker); compose.yaml runs PostgreSQL, a web
# process and two workers, with health and metrics on port 9090 (ERAS_MANAGEMENT_URLS=http://+:9090).
# The pinned backbone is downloaded on first start and cached in /data; without network, mount a
# directory holding mobilenetv2-12-int8.onnx and point ERAS_BACKBONE_SOURCE at it.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ErasWeb.sln ./
COPY src/ErasWeb/ErasWeb.csproj src/ErasWeb/
RUN dotnet restore src/ErasWeb/ErasWeb.csproj
COPY src/ src/
COPY wwwroot/ wwwroot/
COPY models/ models/
RUN dotnet publish src/ErasWeb/ErasWeb.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# libjpeg-turbo's TurboJPEG API: fast JPEG encoding and scaled decoding; curl for health checks.
RUN apt-get update && apt-get install -y --no-install-recommends libturbojpeg0 fonts-dejavu-core ffmpeg curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
# Two malloc arenas instead of one per thread: under a soak at 16 clients the server's resident memory
# was about a quarter lower (BENCHMARKS.md, the notes on soak memory).
ENV ASPNETCORE_URLS=http://+:8501 \
    ERAS_DATA_DIR=/data \
    MALLOC_ARENA_MAX=2
RUN mkdir /data && chown $APP_UID /data
USER $APP_UID
VOLUME /data
EXPOSE 8501
ENTRYPOINT ["dotnet", "ErasWeb.dll"]
