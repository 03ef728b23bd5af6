package messages

// Defaults are the templates a campaign starts with, written to be sent
// as they are.
var Defaults = map[Stage]Template{
	Received: {
		Subject: "Thanks for your entry to {{campaign}}",
		Body: "Hi {{name}},\n\nThank you for entering {{campaign}}! We have your video \"{{entry_title}}\".\n\n" +
			"We are preparing it now, then it is checked before it goes live. You will hear from us at each step.\n\n{{perk}}",
		Action: "See where your entry stands",
	},
	Failed: {
		Subject: "Your entry to {{campaign}} needs a new video",
		Body: "Hi {{name}},\n\nOur automatic checks could not accept the video of \"{{entry_title}}\" as it is:\n\n{{reason}}\n\n" +
			"No person has looked at it yet. Your entry is kept: upload a new version and we will check it again.\n\n{{appeal}}",
		Action: "Upload a new version",
	},
	AutoRejected: {
		Subject: "About your entry to {{campaign}}",
		Body: "Hi {{name}},\n\nThank you for entering {{campaign}}. Our automatic check did not accept \"{{entry_title}}\":\n\n{{reason}}\n\n" +
			"This was decided automatically: no person has looked at it yet. {{appeal}}\n\n{{resubmit}}",
		Action: "Ask a person to look",
	},
	AutoLive: {
		Subject: "Your entry to {{campaign}} is live",
		Body: "Hi {{name}},\n\nGood news: \"{{entry_title}}\" passed our automatic checks and is now live in the {{campaign}} gallery. " +
			"Share it with your friends, every vote counts:\n{{share_link}}\n\n{{perk}}",
		Action: "See your entry",
	},
	Live: {
		Subject: "Your entry to {{campaign}} is live",
		Body: "Hi {{name}},\n\nGood news: \"{{entry_title}}\" was approved and is now live in the {{campaign}} gallery. " +
			"Share it with your friends, every vote counts:\n{{share_link}}\n\n{{perk}}",
		Action: "See your entry",
	},
	NeedsChanges: {
		Subject: "A change is needed to your entry to {{campaign}}",
		Body: "Hi {{name}},\n\nThe {{campaign}} team looked at \"{{entry_title}}\" and asks for a change before it can go live:\n\n{{reason}}\n\n" +
			"Your entry is kept.",
		Action: "Upload a new version",
	},
	Rejected: {
		Subject: "About your entry to {{campaign}}",
		Body:    "Hi {{name}},\n\nThank you for entering {{campaign}}. The team reviewed \"{{entry_title}}\" and cannot accept it:\n\n{{reason}}\n\n{{resubmit}}",
		Action:  "Your entries",
	},
	Removed: {
		Subject: "Your entry to {{campaign}} was taken down",
		Body:    "Hi {{name}},\n\n\"{{entry_title}}\" has been taken down from the {{campaign}} gallery:\n\n{{reason}}",
		Action:  "Your entries",
	},
	Milestone: {
		Subject: "{{milestone}} votes for \"{{entry_title}}\"",
		Body: "Hi {{name}},\n\n\"{{entry_title}}\" just reached {{milestone}} votes in {{campaign}} and is number {{rank}} of {{entries}}. " +
			"Keep sharing it:\n{{share_link}}",
		Action: "See your entry",
	},
	Finalist: {
		Subject: "You are a finalist in {{campaign}}",
		Body: "Hi {{name}},\n\nCongratulations: \"{{entry_title}}\" is on the {{campaign}} shortlist. " +
			"The team will pick the winners soon. One last push, share it:\n{{share_link}}",
		Action: "See your entry",
	},
	Advanced: {
		Subject: "\"{{entry_title}}\" is through to {{round}} in {{campaign}}",
		Body: "Hi {{name}},\n\nGood news: \"{{entry_title}}\" has advanced to {{round}} in {{campaign}}. " +
			"We will tell you how it goes. In the meantime, share it:\n{{share_link}}",
		Action: "See your entry",
	},
	Winner: {
		Subject: "You won in {{campaign}}!",
		Body: "Hi {{name}},\n\n\"{{entry_title}}\" won place {{place}} in {{campaign}}. Your prize: {{prize}}.\n\n" +
			"The team will be in touch about your prize. Thank you for taking part!",
		Action: "See the winners",
	},
	Closing: {
		Subject: "Thank you for taking part in {{campaign}}",
		Body: "Hi {{name}},\n\n{{campaign}} has closed. \"{{entry_title}}\" was not among the winners this time, " +
			"but it was watched {{views}} times and got {{votes}} votes (number {{rank}} of {{entries}}). " +
			"Thank you for taking part.\n\n{{perk}}",
		Action: "See the winners",
	},
	VotesAdjusted: {
		Subject: "Your vote total in {{campaign}} changed",
		Body: "Hi {{name}},\n\nThe {{campaign}} team reviewed the votes for \"{{entry_title}}\" and {{change}}, so its total is now {{votes}} (it was {{votes_before}}).\n\n" +
			"Why: {{reason}}\n\nYour entry stays in the gallery, and every honest vote counts.",
		Action: "See your entry",
	},
}
