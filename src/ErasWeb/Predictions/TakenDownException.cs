using ErasWeb.Localisation;
namespace ErasWeb.Predictions;

/// <summary>An upload of the very bytes an admin took out of public view: it is not analysed or shown again.</summary>
public sealed class TakenDownException() : Exception(Texts.Say("TakenDown"));
