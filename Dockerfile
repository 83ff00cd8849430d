# syntax=docker/dockerfile:1
# The service's image (issue 28; docs/operations/container.md). From the repository's root:
#   docker build -t npq-lead-provider-api .
# scripts/image.sh builds an OCI image of the same layout without Docker or a registry, and a test runs it.

# Build: the SDK, and Node.js for the registration form's GOV.UK Frontend assets (ADR 0014).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Restore first, so a change to the code alone reuses the restored packages' layer.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Domain/Npq.Domain.csproj src/Domain/
COPY src/Application/Npq.Application.csproj src/Application/
COPY src/Infrastructure/Npq.Infrastructure.csproj src/Infrastructure/
COPY src/Api/Npq.Api.csproj src/Api/
RUN dotnet restore src/Api/Npq.Api.csproj
COPY frontend/package.json frontend/package-lock.json frontend/
COPY docs/guidance docs/guidance
COPY docs/openapi/examples docs/openapi/examples
COPY docs/openapi/errors.json docs/openapi/errors.json
COPY src src
RUN dotnet publish src/Api/Npq.Api.csproj -c Release --no-restore -o /app -p:UseAppHost=false

# Run: the ASP.NET Core runtime and the published service only (no SDK, no Node).
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080 \
    Npq__Metrics__Port=9464 \
    Npq__Metrics__Address=0.0.0.0
# 8080: the API. 9464: metrics and the health probes (keep it off the ingress).
EXPOSE 8080 9464
# The official image's non-root user ('app', uid 1654). The root filesystem may be read-only: the
# service writes nothing to disk (give it a tmpfs at /tmp).
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/Npq.Api.dll"]
