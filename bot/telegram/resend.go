package telegram

import (
	"errors"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// sendPhotoByID sends a photo Telegram holds already by its file_id, which
// costs no upload. refused says Telegram would not take the id (400: a
// file_id of another bot, after the token changed, or one it no longer
// knows): the caller uploads the photo instead.
func (a *Adapter) sendPhotoByID(chat int64, fileID, caption string) (id string, refused bool, err error) {
	p := tgbotapi.NewPhoto(chat, tgbotapi.FileID(fileID))
	p.Caption = caption
	msg, err := a.api.Send(p)
	var api *tgbotapi.Error
	if errors.As(err, &api) && api.Code == 400 {
		a.log.Info("telegram: photo id refused; uploading the photo", "err", classify(err, a.cfg.Token))
		return "", true, err
	}
	if err != nil {
		return "", false, classify(err, a.cfg.Token)
	}
	return strconv.Itoa(msg.MessageID), false, nil
}
