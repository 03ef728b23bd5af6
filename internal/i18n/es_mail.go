package i18n

// esMail are the parts of messages to entrants that Tryout writes itself
// (merge field values, the call to action, the milestone digest).
var esMail = map[string]string{
	"Hello,":                              "Hola:",
	"Use this link to sign in to Tryout:": "Usa este enlace para entrar en Tryout:",
	"It works once and expires in %d minutes. If you did not ask for it, ignore this email.": "Funciona una vez y caduca en %d minutos. Si no lo has pedido, ignora este correo.",
	"Your Tryout sign-in link":    "Tu enlace para entrar en Tryout",
	"there":                       "participante",
	"Open":                        "Abrir",
	"Read it and reply on Tryout": "Léelo y responde en Tryout",
	"did not count %d of them":    "no ha contado %d de ellos",
	"counts %d more":              "cuenta %d más",
	"You can upload a new version: your entry is kept.":                                "Puedes subir una versión nueva: tu participación se conserva.",
	"This entry cannot be sent again.":                                                 "Esta participación no se puede volver a enviar.",
	"Entries are still open, so you are welcome to enter with a different video.":      "El plazo de participación sigue abierto, así que puedes participar con otro vídeo.",
	"Entries are still open, so you are also welcome to enter with a different video.": "El plazo de participación sigue abierto, así que también puedes participar con otro vídeo.",
	"If you think the check got it wrong, ask a person to look: %s":                    "Si crees que la comprobación se equivocó, pide que lo revise una persona: %s",
	"A little extra from %s: your code is %s.":                                         "Un pequeño extra de %s: tu código es %s.",
	"Hi %s,": "Hola, %s:",
	"Your entries reached new vote milestones:":  "Tus participaciones han alcanzado nuevos hitos de votos:",
	"Your entries reached new vote milestones":   "Tus participaciones han alcanzado nuevos hitos de votos",
	"\"%s\" in %s: %d votes":                     "«%s» en %s: %d votos",
	", number %d of %d":                          ", puesto %d de %d",
	"Keep sharing them. See how they are doing:": "Sigue compartiéndolas. Mira cómo van:",
}
