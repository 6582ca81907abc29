package store

import (
	"time"

	"sothon/flows"
	"sothon/store/counting"
)

// Roles a user can have.
const (
	RoleHead     = "head"
	RoleOfficial = "official"
	RoleAdmin    = "admin"
)

// User is a registered person. Identities (chats on channels) point at users.
type User struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Role        string    `json:"role"`
	AreaID      string    `json:"area_id"`
	Lang        string    `json:"lang"`
	Created     time.Time `json:"created"`
	Unreachable bool      `json:"unreachable,omitempty"`
	Revoked     bool      `json:"revoked,omitempty"`     // by an admin; no chat, session or token left
	LastMessage time.Time `json:"last_message,omitzero"` // when the user last wrote to the bot, on any chat
	// Awaiting is the question of a command's keyboard the user's next
	// answer is for ("review:12"), "" for none.
	Awaiting string `json:"awaiting,omitempty"`
}

// Household is an entry of the village register with its current status.
type Household struct {
	ID             string         `json:"id"`
	AreaID         string         `json:"area_id"`
	HeadName       string         `json:"head_name"`
	Members        int            `json:"members,omitempty"`
	Status         string         `json:"status,omitempty"` // poor, near_poor, middle, none
	StatusAt       time.Time      `json:"status_at,omitzero"`
	LastSubmission uint64         `json:"last_submission,omitempty"`
	History        []StatusChange `json:"history,omitempty"`
	// Status is the household's class on the official list counting every
	// form received, Approved on the one counting approved forms only: both
	// derived from its register entries and forms (see Standing).
	Approved string `json:"approved,omitempty"`
}

// StatusChange is one classification of a household, kept for history.
type StatusChange struct {
	At         time.Time `json:"at"`
	Status     string    `json:"status"`
	Submission uint64    `json:"submission,omitempty"`
}

// Submission is a completed questionnaire. It is never changed once
// stored, but for its area id when the areas are reorganised.
type Submission struct {
	ID            uint64            `json:"id"`
	Form          string            `json:"form"`
	FormVersion   string            `json:"form_version"`
	AreaID        string            `json:"area_id"`
	HouseholdID   string            `json:"household_id"`
	HouseholdName string            `json:"household_name"`
	SubmittedBy   string            `json:"submitted_by"`
	SubmittedAt   time.Time         `json:"submitted_at"`
	Answers       map[string]string `json:"answers"`
	// Class is the poverty classification the form computed ("" for other
	// forms) and Members the household size it gave (0 when none): what the
	// register takes from the submission.
	Class   string `json:"class,omitempty"`
	Members int    `json:"members,omitempty"`
	// Standard is the id of the poverty standard Class is by; Classes is
	// the class by every standard the answers cover (standard id → class),
	// so that a change of standards can be foreseen on the same answers.
	Standard string            `json:"standard,omitempty"`
	Classes  map[string]string `json:"classes,omitempty"`
	// Counted are the answers bound to the form's counting roles, by role
	// (flows.Form.CountedAnswers): what counting.Contributions reads.
	Counted map[string]string `json:"counted,omitempty"`
	// Contributions are what the submission adds to its village's counters
	// beside the household's status and what counting.Contributions reads
	// from Counted, which the store adds itself, counting and recounting
	// alike: the projection by a standard not yet in force
	// (counting.Projection), and on a submission stored before forms gave
	// counting roles, its models and training as then counted. Their keys
	// are made unique per household by the store.
	Contributions []counting.Contribution `json:"contributions,omitempty"`
	// Replaces is the returned submission this one corrects (0 for none):
	// that one becomes "resubmitted", and this one waits for review.
	Replaces uint64 `json:"replaces,omitempty"`
	// Files are the content hashes of the photos the answers hold
	// (flows.Form.Files), each kept in the photo store beside the database
	// (store/photos) as "<hash>.jpg": what `sothon check` verifies and a
	// backup carries.
	Files []string `json:"files,omitempty"`
}

// Message is a reply waiting in the outbox for its channel's sender.
type Message struct {
	ID        uint64         `json:"id"`
	Channel   string         `json:"channel"`
	ChatID    string         `json:"chat_id"`
	Text      string         `json:"text"`
	Options   []flows.Option `json:"options,omitempty"`
	Multi     bool           `json:"multi,omitempty"`
	Selected  []string       `json:"selected,omitempty"`
	DoneLabel string         `json:"done_label,omitempty"`
	// PlaceLabel, when set, asks for the phone's location: a channel that
	// can offers a button with this label that sends it (Telegram's
	// request_location).
	PlaceLabel string `json:"place_label,omitempty"`
	// Typed says each option's label, sent back as text, answers the
	// question as its button would (flows.Prompt.Typed).
	Typed    bool   `json:"typed,omitempty"`
	Question string `json:"question,omitempty"`
	Edit     string `json:"edit,omitempty"` // platform id of a message to replace
	// Attachment is a file sent with the text: a chart, a spreadsheet.
	Attachment *Attachment `json:"attachment,omitempty"`
	Created    time.Time   `json:"created"`
	Attempts   int         `json:"attempts,omitempty"`
	PartsSent  int         `json:"parts_sent,omitempty"` // of a long text, taken by the platform before a failure
	Low        bool        `json:"low,omitempty"`        // sent only when nothing else is due (refusals to strangers)
	// NoPreview asks the platform not to open the text's links for a
	// preview: a one-time login link is for its owner's hands.
	NoPreview bool      `json:"no_preview,omitempty"`
	NotBefore time.Time `json:"not_before,omitzero"`
}

// AuditEntry records who did what, for the city office.
type AuditEntry struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Detail string    `json:"detail,omitempty"`
}

// RunRecord is a stored run with its owner.
type RunRecord struct {
	UserID string
	Run    *flows.Run
}

// Attachment is a file that goes with a message.
type Attachment struct {
	Name  string `json:"name"`
	Image bool   `json:"image,omitempty"` // shown as a picture where the platform can
	Data  []byte `json:"data"`
	// Ref is the id the message's channel knows the same photo by
	// (Telegram's file_id of a photo a user sent): the photo is sent by it
	// rather than uploaded, and Data is uploaded when the platform refuses
	// it. "" for none.
	Ref string `json:"ref,omitempty"`
}
