package i18n

// esScripts are the texts the pages' scripts show (t("...") in
// web/static/*.js); a page embeds those of its language.
var esScripts = map[string]string{}
