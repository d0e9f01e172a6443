package main

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

const keygenAbout = `Makes a new RSA key pair for signing your requests to Antom and writes three files:

  PREFIX_private_key.pem  the private key, PKCS #8 PEM, readable only by you (mode 0600);
                          give it to the SDK with alipay.WithPrivateKey
  PREFIX_public_key.pem   the public key, PEM (SubjectPublicKeyInfo)
  PREFIX_public_key.txt   the same public key as the bare base64 that Antom Dashboard
                          asks for (Developer > Quick start > Integration resources)

It also prints the bare base64 public key. Existing files are never overwritten
unless -force is given. Keep the private key secret; Antom never needs it.
`

func (a *app) keygen(_ context.Context, args []string) error {
	f := newFlags("keygen", "alipay keygen [-out PREFIX] [-bits 2048] [-force]", keygenAbout)
	out := f.String("out", "merchant", "path `PREFIX` of the files to write")
	bits := f.Int("bits", 2048, "RSA key size in `bits`: 2048 (what Antom uses), 3072 or 4096")
	force := f.Bool("force", false, "overwrite existing files")
	if err := f.parse(a.stdout, args, 0); err != nil {
		return err
	}
	switch *bits {
	case 2048, 3072, 4096:
	default:
		return usagef("-bits must be 2048, 3072 or 4096, not %d", *bits)
	}
	if *out == "" {
		return usagef("-out must not be empty")
	}
	paths := [3]string{*out + "_private_key.pem", *out + "_public_key.pem", *out + "_public_key.txt"}
	if !*force {
		for _, p := range paths {
			if _, err := os.Lstat(p); err == nil {
				return fmt.Errorf("%s already exists; choose another -out or pass -force to overwrite it", p)
			}
		}
	}

	key, err := a.newKey(*bits)
	if err != nil {
		return fmt.Errorf("generating the key: %w", err)
	}
	priv, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("encoding the private key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return fmt.Errorf("encoding the public key: %w", err)
	}
	bare := base64.StdEncoding.EncodeToString(pub)
	files := []struct {
		path string
		data []byte
		mode fs.FileMode
	}{
		{paths[0], pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv}), 0o600},
		{paths[1], pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644},
		{paths[2], []byte(bare + "\n"), 0o644},
	}
	for _, file := range files {
		if err := writeFileMode(file.path, file.data, file.mode, *force); err != nil {
			return err
		}
	}

	fmt.Fprintf(a.stdout, "Wrote an RSA-%d key pair:\n", *bits)
	fmt.Fprintf(a.stdout, "  private key (PKCS #8 PEM, mode 0600)  %s\n", paths[0])
	fmt.Fprintf(a.stdout, "  public key (PEM)                      %s\n", paths[1])
	fmt.Fprintf(a.stdout, "  public key (bare base64)              %s\n", paths[2])
	fmt.Fprintf(a.stdout, "\nPaste this public key into Antom Dashboard:\n%s\n", bare)
	return nil
}

// writeFileMode writes data to path with exactly the given permissions. It
// refuses to replace an existing file unless overwrite is set, and never
// follows a symbolic link planted where the private key goes.
func writeFileMode(path string, data []byte, mode fs.FileMode, overwrite bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if overwrite {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("replacing %s: %w", path, err)
		}
	}
	f, err := os.OpenFile(path, flags, mode)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// The umask may have narrowed mode; it must not widen it, but make the
	// result exact either way.
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return fmt.Errorf("setting the mode of %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
