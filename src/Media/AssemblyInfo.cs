using System.Runtime.CompilerServices;

// The SRTP keystream generator is internal but has RFC 3711 vectors of its own.
[assembly: InternalsVisibleTo("Orchestrator.Media.Tests")]
