package i18n

// esScripts are the texts the pages' scripts show (t("...") in
// web/static/*.js); a page embeds those of its language. Some are also
// the API's own messages.
var esScripts = map[string]string{
	// Shared by the scripts.
	"Something went wrong. Please try again.":                         "Algo salió mal. Inténtalo de nuevo.",
	"We could not reach Tryout. Check your connection and try again.": "No hemos podido conectar con Tryout. Revisa tu conexión e inténtalo de nuevo.",
	"1 day":          "1 día",
	"%d days":        "%d días",
	"in %s":          "dentro de %s",
	"(%s your time)": "(%s en tu hora)",
	"1 vote":         "1 voto",
	"%d votes":       "%d votos",

	// Voting.
	"in this campaign":                     "en esta campaña",
	"this hour":                            "en esta hora",
	"today":                                "hoy",
	"this week":                            "esta semana",
	"for now":                              "por ahora",
	"%s, %s your time (%s)":                "el %s a las %s en tu hora (%s)",
	"The campaign's days follow %s time.":  "Los días de la campaña siguen la hora de %s.",
	"You can vote again %s.":               "Podrás volver a votar %s.",
	"You voted for this entry %s.":         "Ya votaste por esta participación %s.",
	"You already voted for this entry %s.": "Ya votaste por esta participación %s.",
	"You have used your votes %s.":         "Ya has usado tus votos %s.",
	"Confirm my email":                     "Confirmar mi correo",
	"Thank you: your vote is saved and under review, because %s. It counts once our automatic checks or the campaign team clear it.": "Gracias: tu voto está guardado y en revisión, porque %s. Contará cuando nuestras comprobaciones automáticas o el equipo de la campaña lo validen.",
	"; and ":                       "; y ",
	"Thank you: your vote counts.": "Gracias: tu voto cuenta.",
	"Your vote was not saved. Please try again.": "Tu voto no se ha guardado. Inténtalo de nuevo.",

	// The uploader.
	"Choose the same video file to carry on where the upload stopped.": "Elige el mismo archivo de vídeo para seguir donde se detuvo la subida.",
	"%s of %s":      "%s de %s",
	"about %s left": "quedan unos %s",
	"Received! Taking you to your entries…":                                                                                 "¡Recibido! Te llevamos a tus participaciones…",
	"Your title and details are kept: choose another file to carry on.":                                                     "Tu título y tus datos se conservan: elige otro archivo para continuar.",
	"The upload stopped: %s Press Resume to carry on from %d%%.":                                                            "La subida se detuvo: %s Pulsa Reanudar para seguir desde el %d%%.",
	"This file is %s, larger than the contest accepts (%s). Trim or compress it first, or choose another.":                  "Este archivo ocupa %s, más de lo que admite el concurso (%s). Recórtalo o comprímelo antes, o elige otro.",
	"Paused at %d%% (%s of %s). Press Resume to carry on.":                                                                  "En pausa al %d%% (%s de %s). Pulsa Reanudar para continuar.",
	"You are offline. The upload carries on by itself when the connection comes back: keep this page open.":                 "No tienes conexión. La subida seguirá sola cuando vuelva la conexión: deja esta página abierta.",
	"This upload was started with a different file (%s MB). Choose that same file to resume, or start again with this one.": "Esta subida empezó con otro archivo (%s MB). Elige ese mismo archivo para reanudarla, o empieza de nuevo con este.",
	"Resuming: %d of %d parts had already arrived.":                                                                         "Reanudando: ya habían llegado %d de %d partes.",
	"Uploading… you can pause at any time.":                                                                                 "Subiendo… puedes pausar cuando quieras.",
	"Checking your video…": "Comprobando tu vídeo…",
	"Connection problem: retrying in %d s. Keep this page open; nothing sent is lost.": "Problema de conexión: reintentando en %d s. Deja esta página abierta; no se pierde nada de lo enviado.",
	"Connection is back: uploading…":                                                   "Ha vuelto la conexión: subiendo…",
	"This file is empty. Choose your video file.":                                      "Este archivo está vacío. Elige tu archivo de vídeo.",
	"This file is %s, not a video.":                                                    "Este archivo es %s, no un vídeo.",
	"This file is not a video we can accept.":                                          "Este archivo no es un vídeo que podamos aceptar.",
	"Choose an MP4, MOV, WebM, MKV or AVI video.":                                      "Elige un vídeo MP4, MOV, WebM, MKV o AVI.",
	"a PNG image":                      "una imagen PNG",
	"a JPEG photo":                     "una foto JPEG",
	"a GIF image":                      "una imagen GIF",
	"a PDF document":                   "un documento PDF",
	"a ZIP archive or office document": "un archivo ZIP o un documento de oficina",
	"an MP3 song":                      "una canción MP3",
	"a WAV sound file":                 "un archivo de sonido WAV",

	// The player and sharing.
	"Unmute":                          "Activar el sonido",
	"Leave full screen":               "Salir de pantalla completa",
	"Link copied: paste it anywhere.": "Enlace copiado: pégalo donde quieras.",
	"Copied":                          "Copiado",
	"Copy this link: %s":              "Copia este enlace: %s",

	// The entry page and My entries.
	"Sending…": "Enviando…",
	"Done: a person from the campaign team will look at your entry.": "Hecho: una persona del equipo de la campaña revisará tu participación.",
	"Captions saved. They play with your video.":                     "Subtítulos guardados. Se reproducen con tu vídeo.",
	"The captions could not be saved. Please try again.":             "No se han podido guardar los subtítulos. Inténtalo de nuevo.",
	"View and share it":        "Verla y compartirla",
	"Open your entry":          "Abrir tu participación",
	"No entries yet.":          "Todavía no tienes participaciones.",
	"Find a campaign to enter": "Busca una campaña en la que participar",
	"Untitled entry":           "Participación sin título",
	"Withdraw":                 "Retirar",
	"Withdraw “%s”? This cannot be undone.": "¿Retirar «%s»? No se puede deshacer.",
	"How it is doing":     "Cómo le va",
	"Last 14 days":        "Últimos 14 días",
	"%s to %s (UTC days)": "Del %s al %s (días UTC)",
	"Your share links were opened %d times and brought %d new entries and votes.": "Tus enlaces para compartir se abrieron %d veces y trajeron %d participaciones y votos nuevos.",
	"No messages yet.":  "Todavía no hay mensajes.",
	"You replied:":      "Respondiste:",
	"Your reply to: %s": "Tu respuesta a: %s",
	"Send reply":        "Enviar respuesta",
	"Sent. The campaign team reads replies here.": "Enviada. El equipo de la campaña lee aquí las respuestas.",
	"Reply":  "Responder",
	"Saved.": "Guardado.",

	// The API's answers the scripts show as they come.
	"Check your email for a sign-in link. It works once and expires in %s.":                               "Revisa tu correo: te hemos enviado un enlace para entrar. Funciona una vez y caduca en %s.",
	"Thank you. The campaign team will look at this entry.":                                               "Gracias. El equipo de la campaña revisará esta participación.",
	"We emailed a link to %s. Open it and confirm to delete your account; until then nothing is deleted.": "Hemos enviado un enlace a %s. Ábrelo y confirma para borrar tu cuenta; hasta entonces no se borra nada.",
}

// esVotes are why votes are held, as the vote button says it.
var esVotes = map[string]string{
	"many new browsers voted from one network within an hour":            "votaron muchos navegadores nuevos desde una misma red en menos de una hora",
	"several browsers voted from one network without watching any video": "varios navegadores votaron desde una misma red sin ver ningún vídeo",
	"votes from one network arrived at machine-regular intervals":        "los votos de una misma red llegaron a intervalos regulares, como de una máquina",
	"the browser said it was run by automation software":                 "el navegador indicó que lo controlaba un programa de automatización",
}

// esHeld is the note beside an entry's held votes.
var esHeld = map[string]string{
	"of how they were cast": "de cómo se emitieron",
	"Our automatic checks held it because %s. It is saved, but not in your public total: it counts if the campaign team clears it.":                                                        "Nuestras comprobaciones automáticas lo retuvieron porque %s. Está guardado, pero no en tu total público: contará si el equipo de la campaña lo valida.",
	"Our automatic checks held them because %s. They are saved, but not in your public total: they count if the campaign team clears them.":                                                "Nuestras comprobaciones automáticas los retuvieron porque %s. Están guardados, pero no en tu total público: contarán si el equipo de la campaña los valida.",
	"Our automatic checks held it because %s. It is saved, but not in your public total yet: it counts by itself once the pattern stops, or when the campaign team clears it.":             "Nuestras comprobaciones automáticas lo retuvieron porque %s. Está guardado, pero aún no en tu total público: contará por sí solo cuando el patrón se detenga, o cuando el equipo de la campaña lo valide.",
	"Our automatic checks held them because %s. They are saved, but not in your public total yet: they count by themselves once the pattern stops, or when the campaign team clears them.": "Nuestras comprobaciones automáticas los retuvieron porque %s. Están guardados, pero aún no en tu total público: contarán por sí solos cuando el patrón se detenga, o cuando el equipo de la campaña los valide.",
}
