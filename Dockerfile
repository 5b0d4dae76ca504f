# The published node on the ASP.NET Core runtime. Build from the repository root:
#   docker build -t orchestrator:latest .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Node -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# Speech runs offline by default: pocketsphinx (recognition), espeak-ng (synthesis), libopus (voice codec).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libopus0 espeak-ng pocketsphinx pocketsphinx-en-us libpocketsphinx3 libsphinxbase3 sox \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
# appsettings.json is read from the working directory: run from /app.
ENV ASPNETCORE_URLS=http://0.0.0.0:8080
EXPOSE 8080 4053 8558
USER $APP_UID
ENTRYPOINT ["dotnet", "Orchestrator.Node.dll"]
