from tests.conftest import load_doc


def test_member_accounts_opened_and_balance():
    kop = load_doc('''
    2024-01-05 custom "anggota" "A0001" "Siti Aminah"
      nik: "3202011234567890"
      jenis-kelamin: "P"
    2024-01-05 * "Simpanan pokok"
      anggota: "A0001"
      Aset:Kas  100000 IDR
      Ekuitas:SimpananPokok:A0001  -100000 IDR
    ''')
    assert kop.errors == []
    assert kop.member_balance("A0001").pokok == 100000


def test_withdrawal_of_wajib_by_active_member_is_an_error():
    kop = load_doc('''
    2024-01-05 custom "anggota" "A0001" "Siti Aminah"
    2024-02-05 * "Wajib"
      Aset:Kas  25000 IDR
      Ekuitas:SimpananWajib:A0001  -25000 IDR
    2024-03-05 * "Tarik"
      Aset:Kas  -25000 IDR
      Ekuitas:SimpananWajib:A0001  25000 IDR
    ''')
    assert len(kop.errors) == 1
    assert "simpanan wajib tidak boleh diambil selama anggota A0001 masih aktif" in kop.errors[0].message
    assert kop.errors[0].source["lineno"] > 0
