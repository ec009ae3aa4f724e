# Multi-stage image of the tempo-streaming server and CLI (used by compose/ and deploy/).
FROM mcr.microsoft.com/dotnet/sdk:10.0-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Tempo.Streaming.Server -c Release -o /out/server \
 && dotnet publish src/Tempo.Streaming.Cli -c Release -o /out/cli

FROM mcr.microsoft.com/dotnet/aspnet:10.0-bookworm-slim
# librdkafka1: Kafka client; librocksdb7.8: live store; libzstd1/libsnappy1v5: block codecs
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      librdkafka1 librocksdb7.8 libzstd1 libsnappy1v5 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/server /app
COPY --from=build /out/cli /app/cli
WORKDIR /var/tempo
EXPOSE 3200 4317 4318
ENTRYPOINT ["dotnet", "/app/tempo-streaming.dll"]
CMD ["-config.file=/etc/tempo-streaming.yaml", "-target=all"]
