package i18n

// es is the Spanish catalogue: the English text (the key) to its Spanish.
// Split by area (es_*.go) and joined here. Written in neutral Spanish
// (tú, as contests speak to entrants).
var es = join(esProblems, esStatus, esMail, esPages, esAPI, esScripts, esVotes, esHeld)

func join(parts ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, p := range parts {
		for k, v := range p {
			out[k] = v
		}
	}
	return out
}

// esProblems are the refusals domain packages give (problem.New).
var esProblems = map[string]string{
	"Choose when entrants get their code.":                             "Elige cuándo reciben su código los participantes.",
	"A pool holds at most %d codes; this one has %d.":                  "Un lote admite como máximo %d códigos; este tiene %d.",
	"Accept the media release so your video can be shown.":             "Acepta la cesión de imagen para que tu vídeo pueda mostrarse.",
	"Accept the official rules (version %s) to enter.":                 "Acepta las bases oficiales (versión %s) para participar.",
	"Choose at least one event.":                                       "Elige al menos un evento.",
	"Give a body.":                                                     "Escribe el cuerpo del mensaje.",
	"Give a number from 1 to %d for the top entries.":                  "Indica un número del 1 al %d para las mejores participaciones.",
	"Give a subject.":                                                  "Escribe un asunto.",
	"Give your country as a two-letter ISO code such as FR, DE or US.": "Indica tu país con su código ISO de dos letras, como ES, MX o AR.",
	"Give your date of birth as YYYY-MM-DD.":                           "Indica tu fecha de nacimiento como AAAA-MM-DD.",
	"Give your entry a title (send the title field before the file).":  "Ponle un título a tu participación (envía el campo del título antes del archivo).",
	"Keep the body under %d characters.":                               "El cuerpo debe tener menos de %d caracteres.",
	"Keep the call to action under %d characters.":                     "La llamada a la acción debe tener menos de %d caracteres.",
	"Keep the description to 2000 characters.":                         "La descripción puede tener hasta 2000 caracteres.",
	"Keep the name shown with your entry to 60 characters.":            "El nombre que se muestra con tu participación puede tener hasta 60 caracteres.",
	"Keep the subject under %d characters.":                            "El asunto debe tener menos de %d caracteres.",
	"Keep the title to 100 characters.":                                "El título puede tener hasta 100 caracteres.",
	"No entrant chosen.":                                               "No has elegido ningún participante.",
	"No segment %q.":                                                   "No existe el segmento %q.",
	"No stage %q.":                                                     "No existe la etapa %q.",
	"Not a URL.":                                                       "No es una URL.",
	"Not saved: give at most ten vote milestones.":                     "No se guardó: indica como mucho diez hitos de votos.",
	"Not saved: give vote milestones as increasing whole numbers, such as 10, 100, 1000.":           "No se guardó: indica los hitos de votos como números enteros crecientes, como 10, 100, 1000.",
	"Put no user name or password in the address.":                                                  "No pongas usuario ni contraseña en la dirección.",
	"Schedule it within a year.":                                                                    "Prográmalo dentro del próximo año.",
	"Send the file's size in bytes; the file is empty.":                                             "Envía el tamaño del archivo en bytes; el archivo está vacío.",
	"The address has a #fragment.":                                                                  "La dirección tiene un #fragmento.",
	"The address has no host.":                                                                      "La dirección no tiene host.",
	"The address must start with https:// (or http://).":                                            "La dirección debe empezar por https:// (o http://).",
	"The host %s does not resolve.":                                                                 "El host %s no se resuelve.",
	"The parent or guardian's email address is not valid.":                                          "El correo de tu madre, padre o tutor no es válido.",
	"The secret is not whsec_ and base64.":                                                          "El secreto no es whsec_ seguido de base64.",
	"This campaign is not taking entries any more (entries closed %s).":                             "Esta campaña ya no acepta participaciones (se cerraron el %s).",
	"This campaign is not taking entries yet (entries open %s).":                                    "Esta campaña aún no acepta participaciones (se abren el %s).",
	"This contest takes %d entries per person and you have used them all.":                          "Este concurso admite %d participaciones por persona y ya las has usado todas.",
	"This contest takes one entry per person and you have sent yours.":                              "Este concurso admite una participación por persona y ya enviaste la tuya.",
	"This entry cannot do that while it is %s.":                                                     "Esta participación no puede hacer eso mientras está en estado «%s».",
	"Write a reply of 1 to %d characters.":                                                          "Escribe una respuesta de 1 a %d caracteres.",
	"You are under %d, so a parent or guardian must agree to your entry. Give their email address.": "Tienes menos de %d años, así que tu madre, padre o tutor debe dar su consentimiento. Indica su correo electrónico.",
	"You must be %d or older to enter this contest.":                                                "Debes tener %d años o más para participar en este concurso.",
}

// esStatus are an entry's statuses and what they mean to its entrant.
var esStatus = map[string]string{
	"Draft": "Borrador", "Uploading": "Subiendo", "Received": "Recibida", "Processing": "Procesando",
	"In review": "En revisión", "Live": "Publicada", "Needs changes": "Necesita cambios", "Rejected": "Rechazada",
	"Failed": "Fallida", "Withdrawn": "Retirada", "Removed": "Retirada por el equipo", "Unknown": "Desconocido",
	"Your entry is saved as a draft.":                                                    "Tu participación está guardada como borrador.",
	"Upload your video to submit it.":                                                    "Sube tu vídeo para enviarla.",
	"Your video is uploading.":                                                           "Tu vídeo se está subiendo.",
	"Keep this page open; if the upload stops you can resume it.":                        "Deja esta página abierta; si la subida se detiene, podrás reanudarla.",
	"We have your video.":                                                                "Tenemos tu vídeo.",
	"Nothing to do: we will process it shortly.":                                         "No tienes que hacer nada: lo procesaremos en breve.",
	"We are preparing your video.":                                                       "Estamos preparando tu vídeo.",
	"Nothing to do: this usually takes a few minutes.":                                   "No tienes que hacer nada: suele tardar unos minutos.",
	"Your entry is waiting for review by the campaign team.":                             "Tu participación está esperando la revisión del equipo de la campaña.",
	"Nothing to do: you will hear from us when it is reviewed.":                          "No tienes que hacer nada: te avisaremos cuando se revise.",
	"Your entry is live in the gallery.":                                                 "Tu participación está publicada en la galería.",
	"Share it with your friends.":                                                        "Compártela con tus amigos.",
	"The campaign team asked for changes.":                                               "El equipo de la campaña ha pedido cambios.",
	"Read the note, then upload a new video while the entry window is open.":             "Lee la nota y sube un vídeo nuevo mientras el plazo de participación siga abierto.",
	"Your entry was not accepted.":                                                       "Tu participación no fue aceptada.",
	"Read the reason given.":                                                             "Lee el motivo indicado.",
	"We could not process your video.":                                                   "No pudimos procesar tu vídeo.",
	"Read the reason, fix the video and upload it again while the entry window is open.": "Lee el motivo, corrige el vídeo y vuelve a subirlo mientras el plazo siga abierto.",
	"You withdrew this entry.":                                                           "Retiraste esta participación.",
	"This entry was taken down.":                                                         "Esta participación fue retirada.",
	"Unknown status.":                                                                    "Estado desconocido.",
}
