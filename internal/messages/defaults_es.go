package messages

import "github.com/tryout/tryout/internal/i18n"

// DefaultsIn are the default templates in a language (English for one
// with none of its own).
func DefaultsIn(l i18n.Lang) map[Stage]Template {
	if d, ok := defaultsByLang[l]; ok {
		return d
	}
	return Defaults
}

var defaultsByLang = map[i18n.Lang]map[Stage]Template{i18n.EN: Defaults, i18n.ES: defaultsES}

// defaultsES are the Spanish defaults, with the same merge fields as the
// English ones.
var defaultsES = map[Stage]Template{
	Received: {
		Subject: "Gracias por participar en {{campaign}}",
		Body: "Hola, {{name}}:\n\n¡Gracias por participar en {{campaign}}! Hemos recibido tu vídeo «{{entry_title}}».\n\n" +
			"Ahora lo estamos preparando y después se revisará antes de publicarse. Te avisaremos en cada paso.\n\n{{perk}}",
		Action: "Mira cómo va tu participación",
	},
	Failed: {
		Subject: "Tu participación en {{campaign}} necesita un vídeo nuevo",
		Body: "Hola, {{name}}:\n\nNuestras comprobaciones automáticas no han podido aceptar el vídeo de «{{entry_title}}» tal como está:\n\n{{reason}}\n\n" +
			"Ninguna persona lo ha revisado todavía. Tu participación se conserva: sube una versión nueva y la volveremos a comprobar.\n\n{{appeal}}",
		Action: "Sube una versión nueva",
	},
	AutoRejected: {
		Subject: "Sobre tu participación en {{campaign}}",
		Body: "Hola, {{name}}:\n\nGracias por participar en {{campaign}}. Nuestra comprobación automática no ha aceptado «{{entry_title}}»:\n\n{{reason}}\n\n" +
			"Esto se decidió de forma automática: ninguna persona lo ha revisado todavía. {{appeal}}\n\n{{resubmit}}",
		Action: "Pide que lo revise una persona",
	},
	AutoLive: {
		Subject: "Tu participación en {{campaign}} ya está publicada",
		Body: "Hola, {{name}}:\n\nBuenas noticias: «{{entry_title}}» ha superado nuestras comprobaciones automáticas y ya está publicada en la galería de {{campaign}}. " +
			"Compártela con tus amigos, cada voto cuenta:\n{{share_link}}\n\n{{perk}}",
		Action: "Ver tu participación",
	},
	Live: {
		Subject: "Tu participación en {{campaign}} ya está publicada",
		Body: "Hola, {{name}}:\n\nBuenas noticias: «{{entry_title}}» ha sido aprobada y ya está publicada en la galería de {{campaign}}. " +
			"Compártela con tus amigos, cada voto cuenta:\n{{share_link}}\n\n{{perk}}",
		Action: "Ver tu participación",
	},
	NeedsChanges: {
		Subject: "Tu participación en {{campaign}} necesita un cambio",
		Body: "Hola, {{name}}:\n\nEl equipo de {{campaign}} ha revisado «{{entry_title}}» y pide un cambio antes de publicarla:\n\n{{reason}}\n\n" +
			"Tu participación se conserva.",
		Action: "Sube una versión nueva",
	},
	Rejected: {
		Subject: "Sobre tu participación en {{campaign}}",
		Body:    "Hola, {{name}}:\n\nGracias por participar en {{campaign}}. El equipo ha revisado «{{entry_title}}» y no puede aceptarla:\n\n{{reason}}\n\n{{resubmit}}",
		Action:  "Tus participaciones",
	},
	Removed: {
		Subject: "Tu participación en {{campaign}} ha sido retirada",
		Body:    "Hola, {{name}}:\n\n«{{entry_title}}» se ha retirado de la galería de {{campaign}}:\n\n{{reason}}",
		Action:  "Tus participaciones",
	},
	Milestone: {
		Subject: "{{milestone}} votos para «{{entry_title}}»",
		Body: "Hola, {{name}}:\n\n«{{entry_title}}» acaba de llegar a {{milestone}} votos en {{campaign}} y está en el puesto {{rank}} de {{entries}}. " +
			"Sigue compartiéndola:\n{{share_link}}",
		Action: "Ver tu participación",
	},
	Finalist: {
		Subject: "Eres finalista en {{campaign}}",
		Body: "Hola, {{name}}:\n\nEnhorabuena: «{{entry_title}}» está en la lista de finalistas de {{campaign}}. " +
			"El equipo elegirá pronto a los ganadores. Un último empujón, compártela:\n{{share_link}}",
		Action: "Ver tu participación",
	},
	Advanced: {
		Subject: "«{{entry_title}}» pasa a {{round}} en {{campaign}}",
		Body: "Hola, {{name}}:\n\nBuenas noticias: «{{entry_title}}» ha pasado a {{round}} en {{campaign}}. " +
			"Te contaremos cómo va. Mientras tanto, compártela:\n{{share_link}}",
		Action: "Ver tu participación",
	},
	Winner: {
		Subject: "¡Has ganado en {{campaign}}!",
		Body: "Hola, {{name}}:\n\n«{{entry_title}}» ha ganado el puesto {{place}} en {{campaign}}. Tu premio: {{prize}}.\n\n" +
			"El equipo se pondrá en contacto contigo sobre el premio. ¡Gracias por participar!",
		Action: "Ver a los ganadores",
	},
	Closing: {
		Subject: "Gracias por participar en {{campaign}}",
		Body: "Hola, {{name}}:\n\n{{campaign}} ha terminado. «{{entry_title}}» no ha estado entre las ganadoras esta vez, " +
			"pero se ha visto {{views}} veces y ha recibido {{votes}} votos (puesto {{rank}} de {{entries}}). " +
			"Gracias por participar.\n\n{{perk}}",
		Action: "Ver a los ganadores",
	},
	VotesAdjusted: {
		Subject: "Ha cambiado tu total de votos en {{campaign}}",
		Body: "Hola, {{name}}:\n\nEl equipo de {{campaign}} ha revisado los votos de «{{entry_title}}» y {{change}}, así que ahora su total es {{votes}} (antes era {{votes_before}}).\n\n" +
			"Motivo: {{reason}}\n\nTu participación sigue en la galería, y cada voto honesto cuenta.",
		Action: "Ver tu participación",
	},
}
